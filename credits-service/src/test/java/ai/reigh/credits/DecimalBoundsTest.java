package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Decimals with extreme exponents or precision never reach arithmetic: {@code 1e-10000000} passed the
 * estimate's range check (0..2592000) and rounding it to whole seconds took seconds of CPU per request.
 * Every decimal a request carries (durations, amounts, rates, cost factors, params) is refused when its
 * plain form is longer than 100 characters: a 400 problem naming the field, answered at once.
 */
@QuarkusTest
class DecimalBoundsTest {
    /** Beyond the bound: exponents far out, 101-character plain forms either way, 101 digits. */
    private static final List<String> EXTREMES = List.of("1e-10000000", "1e10000000", "-1e10000000", "-1e-10000000",
            "1e-101", "1e101", "1e-99", "1e100", "0." + "1".repeat(99), "9".repeat(101));
    /** Far more than any of these requests may take once the value is refused where it is read. */
    private static final Duration PROMPT = Duration.ofSeconds(5);

    @Test
    void extremeDurationsAndParamsOfAnEstimateAre400() {
        String user = Tokens.user(UUID.randomUUID());
        for (String number : EXTREMES) {
            assertRefused(Api.as(user).body("{\"task_type\": \"travel_segment\", \"duration_seconds\": " + number + "}")
                    .post("/v1/task-costs/estimate"), "duration_seconds", number);
            assertRefused(Api.as(user).body("{\"task_type\": \"single_image\", \"params\": {\"frame_count\": " + number
                    + "}}").post("/v1/task-costs/estimate"), "params", number);
        }
    }

    @Test
    void decimalsWithinTheBoundAreEstimatedAsBefore() {
        String user = Tokens.user(UUID.randomUUID());
        // A 100-character fraction, negative zero and zero with an exponent: all bill the minimum second.
        for (String number : List.of("0." + "1".repeat(98), "-0", "-0.0", "0e-98", "0e99", "1e-98")) {
            JsonPath estimate = Api.as(user).body("{\"task_type\": \"travel_segment\", \"duration_seconds\": " + number
                    + "}").post("/v1/task-costs/estimate").then().statusCode(200).extract().jsonPath();
            assertThat(estimate.getLong("breakdown.seconds")).as(number).isEqualTo(1);
            assertThat(estimate.getObject("cost", BigDecimal.class).signum()).as(number).isPositive();
        }
        // A 100-digit integer is within the bound and simply out of range.
        assertRefused(Api.as(user).body("{\"task_type\": \"travel_segment\", \"duration_seconds\": 1" + "0".repeat(99)
                + "}").post("/v1/task-costs/estimate"), "duration_seconds", "a 100-digit mantissa");
    }

    @Test
    void extremeGrantAndRefundAmountsAre400AndMoveNothing() {
        UUID user = Fixtures.user();
        String admin = Tokens.admin(Fixtures.ADMIN);
        for (String number : EXTREMES) {
            assertRefused(Api.as(admin).body("{\"user_id\": \"" + user + "\", \"reason\": \"r\", \"idempotency_key\": \"k-"
                    + UUID.randomUUID() + "\", \"amount\": " + number + "}").post("/v1/admin/credits/grants"), "amount",
                    number);
            assertRefused(Api.as(admin).body("{\"ledger_entry_id\": \"" + UUID.randomUUID()
                    + "\", \"reason\": \"r\", \"amount\": " + number + "}").post("/v1/admin/credits/refunds"), "amount",
                    number);
        }
        for (String zero : List.of("-0", "-0.0", "0e-98")) {
            Api.as(admin).body("{\"user_id\": \"" + user + "\", \"reason\": \"r\", \"idempotency_key\": \"z-"
                    + UUID.randomUUID() + "\", \"amount\": " + zero + "}").post("/v1/admin/credits/grants").then()
                    .statusCode(400).body("errors[0].field", equalTo("amount"));
        }
        assertThat(Fixtures.entries("user_id = ?", user)).isZero();
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("0");
    }

    @Test
    void extremeRatesAndCostFactorsOfAConfigAre400AndWriteNoVersion() {
        String type = TaskCosts.newType();
        for (String number : EXTREMES) {
            assertRefused(TaskCosts.put(type, "{\"billing_type\": \"per_second\", \"base_cost_per_second\": " + number
                    + "}"), "base_cost_per_second", number);
            assertRefused(TaskCosts.put(type, "{\"billing_type\": \"per_unit\", \"unit_cost\": " + number + "}"),
                    "unit_cost", number);
            assertRefused(TaskCosts.put(type, "{\"billing_type\": \"per_unit\", \"unit_cost\": 1, \"cost_factors\":"
                    + " {\"frameCount\": " + number + "}}"), "cost_factors", number);
        }
        assertThat(TaskCosts.versions(type)).isZero();
    }

    private static void assertRefused(Response answer, String field, String number) {
        assertThat(answer.statusCode()).as(number + " in " + field + ": " + answer.asString()).isEqualTo(400);
        assertThat(answer.contentType()).as(number).startsWith("application/problem+json");
        assertThat(answer.jsonPath().getString("code")).as(number).isEqualTo("validation_failed");
        assertThat(answer.jsonPath().getString("errors[0].field")).as(number).isEqualTo(field);
        assertThat(answer.time()).as(number + " answered at once").isLessThan(PROMPT.toMillis());
    }
}
