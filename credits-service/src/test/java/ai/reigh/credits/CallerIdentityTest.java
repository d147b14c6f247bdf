package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The caller is the token's {@code sub}: a token for the attacker that names a victim in
 * {@code preferred_username} or {@code upn} (which the JWT library prefers for its principal's name)
 * reads and spends the attacker's credits, never the victim's.
 */
@QuarkusTest
class CallerIdentityTest {

    @ParameterizedTest
    @ValueSource(strings = { "preferred_username", "upn" })
    void theCallerIsTheSubNeverANameClaim(String nameClaim) {
        UUID victim = Fixtures.user();
        Fixtures.grant(victim, "1234.5");
        UUID attacker = Fixtures.user();
        Fixtures.grant(attacker, "7");
        String forged = Tokens.builder().subject(attacker.toString()).claim(nameClaim, victim.toString()).sign();

        JsonPath balance = Api.as(forged).get("/v1/credits/balance").then().statusCode(200).extract().jsonPath();
        assertThat(balance.getObject("total_credits", BigDecimal.class)).isEqualByComparingTo("7");
        Api.as(forged).get("/v1/credits/ledger").then().statusCode(200).body("items.size()", equalTo(1))
                .body("items[0].user_id", equalTo(attacker.toString()));
        // The bonus goes to the attacker's account; the victim's stays as it was.
        Api.as(forged).post("/v1/credits/welcome-bonus").then().statusCode(201)
                .body("user_id", equalTo(attacker.toString()));
        assertThat(Fixtures.balance(victim)).isEqualByComparingTo("1234.5");
        assertThat(Fixtures.balance(attacker)).isEqualByComparingTo("507");
    }
}
