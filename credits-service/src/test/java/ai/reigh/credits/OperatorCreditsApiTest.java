package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The money the operator console reads: a balance checked against its ledger, ledgers, charges per minute, price history. */
@QuarkusTest
class OperatorCreditsApiTest {
    private static final String ADMIN = Tokens.admin(Fixtures.ADMIN);

    @Test
    void anAccountShowsItsBalanceNextToItsLedgerAndSaysWhenTheyDisagree() {
        UUID user = Fixtures.user();
        Fixtures.grant(user, "10");
        Fixtures.grant(user, "2.5");
        UUID task = Fixtures.completeTask(user, "single_image", Instant.now().minusSeconds(5), Instant.now());
        Fixtures.postCharge(Fixtures.charge(task, user, "single_image", Map.of(), Instant.now().minusSeconds(5),
                Instant.now())).then().statusCode(201);

        JsonPath account = Api.as(ADMIN).get("/v1/admin/credits/users/" + user).then().statusCode(200).extract().jsonPath();
        assertThat(new BigDecimal(account.getString("balance"))).isEqualByComparingTo("12.475");
        assertThat(new BigDecimal(account.getString("ledger_sum"))).isEqualByComparingTo("12.475");
        assertThat(account.getBoolean("consistent")).isTrue();
        assertThat(account.getInt("entries")).isEqualTo(3);

        // The invariant broken on purpose, by the table's owner behind the services' back (and mended
        // after: other tests hold every user to it).
        Fixtures.shiftBalanceBehindTheLedger(user, "1");
        try {
            Api.as(ADMIN).get("/v1/admin/credits/users/" + user).then().statusCode(200).body("consistent", equalTo(false));
        } finally {
            Fixtures.shiftBalanceBehindTheLedger(user, "-1");
        }
        Api.as(ADMIN).get("/v1/admin/credits/users/" + user).then().statusCode(200).body("consistent", equalTo(true));

        Api.as(ADMIN).get("/v1/admin/credits/users/" + UUID.randomUUID()).then().statusCode(404).body("code", equalTo("not_found"));
        Api.as(ADMIN).get("/v1/admin/credits/users/not-a-uuid").then().statusCode(404);
        Api.as(Tokens.user(user)).get("/v1/admin/credits/users/" + user).then().statusCode(403);
        Api.given().get("/v1/admin/credits/users/" + user).then().statusCode(401);
    }

    @Test
    void operatorsPageThroughAnyLedgerByUserTaskAndType() {
        UUID user = Fixtures.user();
        for (int i = 0; i < 3; i++) {
            Fixtures.grant(user, "1");
        }
        UUID task = Fixtures.completeTask(user, "single_image", Instant.now().minusSeconds(5), Instant.now());
        Fixtures.postCharge(Fixtures.charge(task, user, "single_image", Map.of(), Instant.now().minusSeconds(5),
                Instant.now())).then().statusCode(201);

        List<String> walked = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = Api.as(ADMIN).get("/v1/admin/credits/ledger?user_id=" + user + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).then().statusCode(200).extract().jsonPath();
            walked.addAll(page.getList("items.id"));
            cursor = page.getString("next_cursor");
        } while (cursor != null);
        assertThat(walked).hasSize(4).doesNotHaveDuplicates();

        JsonPath spend = Api.as(ADMIN).get("/v1/admin/credits/ledger?task_id=" + task).then().statusCode(200).extract()
                .jsonPath();
        assertThat(spend.getList("items.type")).containsExactly("spend");
        assertThat(spend.getString("items[0].user_id")).isEqualTo(user.toString());
        List<Map<String, Object>> grants = Api.as(ADMIN).get("/v1/admin/credits/ledger?user_id=" + user + "&type=manual")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertThat(grants).hasSize(3).allSatisfy(grant -> assertThat(grant).containsEntry("created_by", Fixtures.ADMIN.toString()));
        assertThat(Api.as(ADMIN).get("/v1/admin/credits/ledger?limit=1").then().statusCode(200).extract().jsonPath()
                .getList("items")).as("everyone's, newest first").hasSize(1);

        Api.as(ADMIN).get("/v1/admin/credits/ledger?user_id=someone").then().statusCode(400).body("code", equalTo("validation_failed"));
        Api.as(ADMIN).get("/v1/admin/credits/ledger?type=gift").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/credits/ledger?task_id=x").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/credits/ledger?limit=0").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/credits/ledger?limit=1000").then().statusCode(400);
        Api.as(Tokens.user(user)).get("/v1/admin/credits/ledger").then().statusCode(403);
    }

    @Test
    void chargesAreCountedPerMinuteEveryMinutePresent() {
        JsonPath before = Api.as(ADMIN).get("/v1/admin/credits/activity?minutes=5").then().statusCode(200).extract().jsonPath();
        assertThat(before.getList("minutes")).hasSize(5);
        long chargesBefore = before.getLong("minutes[4].charges");

        UUID user = Fixtures.user();
        Fixtures.grant(user, "5");
        for (int i = 0; i < 2; i++) {
            UUID task = Fixtures.completeTask(user, "single_image", Instant.now().minusSeconds(5), Instant.now());
            Fixtures.postCharge(Fixtures.charge(task, user, "single_image", Map.of(), Instant.now().minusSeconds(5),
                    Instant.now())).then().statusCode(201);
        }
        JsonPath after = Api.as(ADMIN).get("/v1/admin/credits/activity?minutes=5").then().statusCode(200).extract().jsonPath();
        // The charges may straddle a minute boundary: count the last two minutes.
        long charged = after.getLong("minutes[3].charges") + after.getLong("minutes[4].charges");
        assertThat(charged).isGreaterThanOrEqualTo(chargesBefore + 2);
        assertThat(Api.as(ADMIN).get("/v1/admin/credits/activity").then().statusCode(200).extract().jsonPath()
                .getList("minutes")).hasSize(60);
        Api.as(ADMIN).get("/v1/admin/credits/activity?minutes=0").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/credits/activity?minutes=5000").then().statusCode(400);
    }

    @Test
    void aTaskTypesPriceHistoryIsListedNewestFirst() {
        String type = "op_history_" + UUID.randomUUID().toString().substring(0, 8);
        for (String price : List.of("0.010", "0.020")) {
            Api.as(ADMIN).body(Map.of("billing_type", "per_unit", "unit_cost", new BigDecimal(price)))
                    .put("/v1/admin/task-costs/" + type).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
        JsonPath versions = Api.as(ADMIN).get("/v1/admin/task-costs/" + type + "/versions").then().statusCode(200).extract()
                .jsonPath();
        assertThat(versions.getList("items.version")).containsExactly(2, 1);
        assertThat(new BigDecimal(versions.getString("items[0].unit_cost"))).isEqualByComparingTo("0.02");
        assertThat(versions.getString("items[1].valid_from")).isNotNull();
        Api.as(ADMIN).get("/v1/admin/task-costs/no_such_type/versions").then().statusCode(404);
        Api.as(ADMIN).get("/v1/admin/task-costs/Bad-Type/versions").then().statusCode(400);
        Api.as(Tokens.user(UUID.randomUUID())).get("/v1/admin/task-costs/" + type + "/versions").then().statusCode(403);
    }
}
