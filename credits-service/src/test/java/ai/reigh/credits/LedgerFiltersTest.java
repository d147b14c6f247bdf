package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The ledger page's filters: by type (any of), all but some types (the purchases page: everything but
 * spends), the spends of a list of tasks (the task log's costs), with exact totals.
 */
@QuarkusTest
class LedgerFiltersTest {

    private static List<String> types(Response answer) {
        return answer.then().statusCode(200).extract().path("items.type");
    }

    @Test
    void typesExcludedTypesAndTheSpendsOfSomeTasksWithTotals() {
        UUID user = Fixtures.user();
        Fixtures.grant(user, "100");
        Fixtures.grant(user, "50");
        Instant start = Instant.now().minusSeconds(60);
        List<UUID> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID task = Fixtures.completeTask(user, "single_image", start, start.plusSeconds(5));
            Fixtures.postCharge(Fixtures.charge(task, user, "single_image", Map.of(), start, start.plusSeconds(5)))
                    .then().statusCode(201);
            tasks.add(task);
        }
        String token = Tokens.user(user);
        assertThat(types(Api.as(token).get("/v1/credits/ledger?exclude_type=spend&include_total=true"))).containsOnly("manual")
                .hasSize(2);
        Api.as(token).get("/v1/credits/ledger?exclude_type=spend&include_total=true").then().body("total", equalTo(2));
        Api.as(token).get("/v1/credits/ledger?type=spend&include_total=true&limit=1").then().statusCode(200)
                .body("total", equalTo(4)).body("items.size()", equalTo(1));
        Api.as(token).get("/v1/credits/ledger?type=spend,manual&include_total=true").then().body("total", equalTo(6));
        Api.as(token).get("/v1/credits/ledger?exclude_type=spend,manual&include_total=true").then().body("total", equalTo(0));

        // The spends of two of the tasks (what the task log shows next to them).
        List<String> taskIds = Api.as(token).get("/v1/credits/ledger?type=spend&task_id=" + tasks.get(0) + "," + tasks.get(2)
                + "&include_total=true").then().statusCode(200).body("total", equalTo(2)).extract().path("items.task_id");
        assertThat(taskIds).containsExactlyInAnyOrder(tasks.get(0).toString(), tasks.get(2).toString());
        // Another user's task ids match nothing of theirs, and nothing of this user's leaks to them.
        Api.as(Tokens.user(Fixtures.user())).get("/v1/credits/ledger?task_id=" + tasks.get(0) + "&include_total=true")
                .then().statusCode(200).body("total", equalTo(0));
        Api.as(token).get("/v1/credits/ledger?type=spend").then().body("$", org.hamcrest.Matchers.not(
                org.hamcrest.Matchers.hasKey("total")));
    }

    @Test
    void malformedFiltersAreNamed400s() {
        String token = Tokens.user(Fixtures.user());
        String tooMany = String.join(",", Collections.nCopies(101, UUID.randomUUID().toString()));
        for (String[] bad : new String[][] { { "type=gift", "type" }, { "exclude_type=spend,", "exclude_type" },
                { "task_id=42", "task_id" }, { "task_id=" + tooMany, "task_id" }, { "include_total=yes", "include_total" } }) {
            Api.as(token).get("/v1/credits/ledger?" + bad[0]).then().statusCode(400)
                    .body("code", equalTo("validation_failed")).body("errors[0].field", equalTo(bad[1]));
        }
    }
}
