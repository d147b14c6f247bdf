package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Admin grants (idempotent, validated amounts) and refunds (one per spend, never more than it). */
@QuarkusTest
class GrantsAndRefundsTest {
    private static final String GRANTS = "/v1/admin/credits/grants";
    private static final String REFUNDS = "/v1/admin/credits/refunds";

    @Test
    void aGrantIsIdempotentByItsKey() {
        UUID user = Fixtures.user();
        Map<String, Object> body = grant(user, "25.5", "goodwill", "key-1");

        String first = admin().body(body).post(GRANTS).then().statusCode(201).body("type", equalTo("manual"))
                .body("metadata.reason", equalTo("goodwill")).extract().path("id");
        String replay = admin().body(body).post(GRANTS).then().statusCode(200).extract().path("id");
        admin().body(grant(user, "26", "goodwill", "key-1")).post(GRANTS).then().statusCode(409)
                .body("code", equalTo("idempotency_key_reused"));
        admin().body(grant(user, "25.5", "another reason", "key-1")).post(GRANTS).then().statusCode(409);

        assertThat(replay).isEqualTo(first);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("25.5");
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.query("SELECT created_by, idempotency_key FROM credits_ledger WHERE id = ?::uuid", first))
                    .containsExactly(List.of(Fixtures.ADMIN, "grant:" + Fixtures.ADMIN + ":key-1"));
        }
    }

    @Test
    void theKeyMayComeAsTheIdempotencyKeyHeaderAndMustMatchTheBody() {
        UUID user = Fixtures.user();
        Map<String, Object> body = grant(user, "3", "header key", null);
        body.remove("idempotency_key");

        admin().header("Idempotency-Key", "hdr-1").body(body).post(GRANTS).then().statusCode(201);
        admin().header("Idempotency-Key", "hdr-1").body(body).post(GRANTS).then().statusCode(200);
        admin().header("Idempotency-Key", "hdr-2").body(grant(user, "3", "header key", "other")).post(GRANTS)
                .then().statusCode(400).body("errors[0].field", equalTo("idempotency_key"));
        admin().body(body).post(GRANTS).then().statusCode(400).body("errors[0].field", equalTo("idempotency_key"));

        assertThat(Fixtures.balance(user)).isEqualByComparingTo("3");
    }

    @Test
    void keysAreScopedToTheAdmin() {
        UUID user = Fixtures.user();
        Map<String, Object> body = grant(user, "1", "same key, two admins", "shared-key");
        admin().body(body).post(GRANTS).then().statusCode(201);
        Api.as(Tokens.admin(UUID.randomUUID())).body(body).post(GRANTS).then().statusCode(201);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("2");
    }

    @Test
    void amountsMustBeFiniteBoundedNonZeroAndHaveAtMostThreeDecimals() {
        UUID user = Fixtures.user();
        for (String amount : new String[] { "0", "0.000", "1.2345", "10000000.001", "-10000000.5", "1e400", "0.0001" }) {
            admin().body(grant(user, amount, "bad", "k-" + UUID.randomUUID())).post(GRANTS).then()
                    .statusCode(400).body("code", equalTo("validation_failed")).body("errors.field", hasItem("amount"));
        }
        String keyed = "\"user_id\":\"" + user + "\",\"reason\":\"bad\",\"idempotency_key\":\"k-raw\"";
        for (String rawAmount : new String[] { "\"12.5\"", "NaN", "Infinity", "true", "null", "[1]" }) {
            admin().body("{" + keyed + ",\"amount\":" + rawAmount + "}").post(GRANTS).then().statusCode(400);
        }
        admin().body("{" + keyed + ",\"amount\":\"12.5\"}").post(GRANTS).then().statusCode(400)
                .body("errors[0].field", equalTo("amount"));
        // Trailing zeros are not decimals: 1.2300 is 1.23.
        admin().body(grant(user, "1.2300", "fine", "k-fine")).post(GRANTS).then().statusCode(201);
        admin().body(grant(user, "10000000", "the bound", "k-bound")).post(GRANTS).then().statusCode(201);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("10000001.23");
    }

    @Test
    void missingFieldsAre400WithFieldErrors() {
        admin().body(Map.of("amount", 5)).post(GRANTS).then().statusCode(400)
                .body("errors.field", hasItem("user_id")).body("errors.field", hasItem("reason"));
        admin().body(grant(Fixtures.user(), "5", " ", "k-blank")).post(GRANTS).then().statusCode(400)
                .body("errors.field", hasItem("reason"));
        Map<String, Object> unknown = grant(Fixtures.user(), "5", "x", "k-unknown");
        unknown.put("type", "stripe");
        admin().body(unknown).post(GRANTS).then().statusCode(400).body("code", equalTo("unknown_field"));
        admin().body("{not json").post(GRANTS).then().statusCode(400).body("code", equalTo("malformed_json"));
    }

    @Test
    void aNegativeAdjustmentBelowZeroIs422AndChangesNothing() {
        UUID user = Fixtures.user();
        Fixtures.grant(user, "4");
        admin().body(grant(user, "-4.001", "too much", "neg-1")).post(GRANTS).then().statusCode(422)
                .body("code", equalTo("insufficient_credits"));
        admin().body(grant(user, "-4", "exactly all", "neg-2")).post(GRANTS).then().statusCode(201);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("0");
        assertThat(Fixtures.entries("user_id = ?", user)).isEqualTo(2);
    }

    @Test
    void aGrantToAnUnknownUserIs404() {
        admin().body(grant(UUID.randomUUID(), "5", "nobody", "k-nobody")).post(GRANTS).then().statusCode(404)
                .body("code", equalTo("not_found"));
    }

    @Test
    void adminRoutesAre403ForEveryoneElse() {
        UUID user = Fixtures.user();
        Map<String, Object> body = grant(user, "1000", "self-service", "k-self");
        Map<String, Object> refund = Map.of("ledger_entry_id", UUID.randomUUID().toString(), "reason", "x");
        for (String token : new String[] { Tokens.user(user), Tokens.worker(), Tokens.service() }) {
            Api.as(token).body(body).post(GRANTS).then().statusCode(403).body("code", equalTo("forbidden"));
            Api.as(token).body(refund).post(REFUNDS).then().statusCode(403);
            TaskCosts.putAs(token, "single_image", Map.of("billing_type", "per_unit", "unit_cost", 0)).then()
                    .statusCode(403);
        }
        assertThat(Fixtures.entries("user_id = ?", user)).isZero();
    }

    @Test
    void aRefundDefaultsToTheWholeSpendAndHappensOnce() {
        UUID user = Fixtures.user();
        String spend = spend(user, "lora_training");

        JsonPath refund = admin().body(Map.of("ledger_entry_id", spend, "reason", "failed output")).post(REFUNDS)
                .then().statusCode(201).body("type", equalTo("refund")).extract().jsonPath();
        assertThat(refund.getObject("amount", BigDecimal.class)).isEqualByComparingTo("2.5");
        assertThat(refund.getString("metadata.refund_of")).isEqualTo(spend);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("0");

        admin().body(Map.of("ledger_entry_id", spend, "reason", "failed output")).post(REFUNDS).then().statusCode(200)
                .body("id", equalTo(refund.getString("id")));
        admin().body(Map.of("ledger_entry_id", spend, "reason", "again", "amount", 1)).post(REFUNDS).then()
                .statusCode(409).body("code", equalTo("already_refunded"));
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("0");
    }

    @Test
    void aPartialRefundIsAllowedButNeverMoreThanTheSpend() {
        UUID user = Fixtures.user();
        String spend = spend(user, "lora_training");
        admin().body(Map.of("ledger_entry_id", spend, "reason", "too much", "amount", new BigDecimal("2.501")))
                .post(REFUNDS).then().statusCode(422).body("code", equalTo("refund_exceeds_spend"));
        admin().body(Map.of("ledger_entry_id", spend, "reason", "negative", "amount", -1)).post(REFUNDS).then()
                .statusCode(400).body("errors[0].field", equalTo("amount"));
        admin().body(Map.of("ledger_entry_id", spend, "reason", "half", "amount", new BigDecimal("1.25"))).post(REFUNDS)
                .then().statusCode(201);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-1.25");
    }

    @Test
    void onlySpendsAreRefundedAndUnknownEntriesAre404() {
        UUID user = Fixtures.user();
        String grant = admin().body(grant(user, "5", "a grant", "k-g")).post(GRANTS).then().statusCode(201).extract()
                .path("id");
        admin().body(Map.of("ledger_entry_id", grant, "reason", "no")).post(REFUNDS).then().statusCode(422)
                .body("code", equalTo("not_a_spend"));
        admin().body(Map.of("ledger_entry_id", UUID.randomUUID().toString(), "reason", "no")).post(REFUNDS).then()
                .statusCode(404);
        admin().body(Map.of("reason", "no")).post(REFUNDS).then().statusCode(400)
                .body("errors[0].field", equalTo("ledger_entry_id"));
    }

    @Test
    void concurrentRefundsOfOneSpendRefundItOnce() {
        UUID user = Fixtures.user();
        String spend = spend(user, "lora_training");

        List<Response> answers = Race.run(10, i -> admin()
                .body(Map.of("ledger_entry_id", spend, "reason", "race " + i, "amount", new BigDecimal("0.1").add(
                        BigDecimal.valueOf(i, 2))))
                .post(REFUNDS));

        assertThat(answers).extracting(Response::statusCode).containsOnly(201, 409);
        List<Response> winners = answers.stream().filter(a -> a.statusCode() == 201).collect(Collectors.toList());
        assertThat(winners).hasSize(1);
        BigDecimal refunded = winners.get(0).jsonPath().getObject("amount", BigDecimal.class);
        assertThat(Fixtures.entries("refund_of = ?::uuid", spend)).isEqualTo(1);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo(new BigDecimal("-2.5").add(refunded));
    }

    @Test
    void concurrentIdenticalRefundsAnswerTheSameEntry() {
        UUID user = Fixtures.user();
        String spend = spend(user, "lora_training");

        List<Response> answers = Race.run(10, i -> admin()
                .body(Map.of("ledger_entry_id", spend, "reason", "same")).post(REFUNDS));

        assertThat(answers.stream().filter(a -> a.statusCode() == 201)).hasSize(1);
        assertThat(answers).extracting(Response::statusCode).containsOnly(201, 200);
        assertThat(answers.stream().map(a -> a.jsonPath().getString("id")).distinct()).hasSize(1);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("0");
    }

    /** A spend of {@code taskType} for {@code user}, through a charge; returns its id. */
    private static String spend(UUID user, String taskType) {
        Instant started = Instant.now().minusSeconds(30);
        UUID task = Fixtures.completeTask(user, taskType, started, started.plusSeconds(5));
        return Fixtures.postCharge(Fixtures.charge(task, user, taskType, Map.of(), started, started.plusSeconds(5)))
                .then().statusCode(201).extract().path("id");
    }

    private static Map<String, Object> grant(UUID user, String amount, String reason, String key) {
        Map<String, Object> body = new HashMap<>();
        body.put("user_id", user.toString());
        body.put("amount", new BigDecimal(amount));
        body.put("reason", reason);
        if (key != null) {
            body.put("idempotency_key", key);
        }
        return body;
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return Api.as(Tokens.admin(Fixtures.ADMIN));
    }
}
