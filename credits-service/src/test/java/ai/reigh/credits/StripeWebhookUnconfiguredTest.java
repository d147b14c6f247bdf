package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import ai.reigh.credits.config.CreditsConfig;
import ai.reigh.credits.service.StripeSignature;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The service deployed as the manifests deploy it when nobody set the webhook's secret: no
 * {@code reigh.credits.stripe.webhook-secret} and no permission to use the development secret (which
 * is public: it is in this repository). Whoever knows that secret must not be able to mint credits by
 * forging a Stripe delivery; the webhook says it is not configured (503: Stripe keeps retrying for days,
 * so no real payment is lost once the secret is set), and the rest of the service, charges included,
 * keeps working.
 */
@QuarkusTest
@TestProfile(StripeWebhookUnconfiguredTest.AsDeployedWithoutTheSecret.class)
class StripeWebhookUnconfiguredTest {

    public static final class AsDeployedWithoutTheSecret implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // An empty value is an absent one: this undoes the test profile's explicit development setting.
            return Map.of("reigh.credits.stripe.webhook-secret", "", "reigh.credits.stripe.allow-dev-secret", "false");
        }
    }

    @Test
    void aDeliveryForgedWithThePublicDevelopmentSecretCreditsNothing() {
        UUID attacker = Fixtures.user();
        String session = "cs_forged_" + UUID.randomUUID().toString().replace("-", "");
        byte[] forged = """
                {"id": "evt_forged", "type": "checkout.session.completed", "data": {"object": {
                  "id": "%s", "object": "checkout.session", "client_reference_id": "%s",
                  "amount_total": 1000000, "currency": "usd", "payment_status": "paid"}}}
                """.formatted(session, attacker).getBytes(StandardCharsets.UTF_8);
        String signature = StripeSignature.header(CreditsConfig.DEV_WEBHOOK_SECRET, Instant.now().getEpochSecond(), forged);

        Api.given().contentType("application/json").header("Stripe-Signature", signature).body(forged)
                .post("/v1/credits/stripe/webhook").then().statusCode(503).contentType("application/problem+json")
                .body("code", equalTo("stripe_webhook_not_configured"));

        assertThat(Fixtures.entries("user_id = ?", attacker)).as("ledger entries of the forger").isZero();
        assertThat(Fixtures.balance(attacker)).isEqualByComparingTo("0");
    }

    @Test
    void theRestOfTheServiceStaysReadyAndServing() {
        Api.management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Api.as(Tokens.user(Fixtures.user())).get("/v1/credits/balance").then().statusCode(200);
    }
}
