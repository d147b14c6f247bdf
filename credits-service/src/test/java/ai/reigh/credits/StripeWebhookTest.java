package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.credits.service.StripeSignature;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The Stripe webhook, with events built and signed here exactly as Stripe does it (Stripe is the one
 * party outside the system).
 */
@QuarkusTest
class StripeWebhookTest {
    private static final String WEBHOOK = "/v1/credits/stripe/webhook";

    @ConfigProperty(name = "reigh.credits.stripe.webhook-secret")
    String secret;

    @Test
    void aPaidCheckoutSessionCreditsTheBuyerOnce() {
        UUID buyer = Fixtures.user();
        String session = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
        String event = checkoutCompleted("evt_1", session, buyer.toString(), 1500, "usd", "paid");

        String entry = deliver(event, now()).then().statusCode(200).body("received", equalTo(true))
                .body("outcome", equalTo("credited")).extract().path("ledger_entry_id");
        deliver(event, now()).then().statusCode(200).body("outcome", equalTo("duplicate"))
                .body("ledger_entry_id", equalTo(entry));
        // Stripe may also send the same session in another event (a resend): still one entry.
        deliver(checkoutCompleted("evt_2", session, buyer.toString(), 1500, "usd", "paid"), now()).then()
                .statusCode(200).body("outcome", equalTo("duplicate"));

        assertThat(Fixtures.balance(buyer)).isEqualByComparingTo("1500");
        assertThat(Fixtures.entries("user_id = ? AND type = 'stripe'", buyer)).isEqualTo(1);
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.value("SELECT idempotency_key FROM credits_ledger WHERE user_id = ?", buyer))
                    .isEqualTo("stripe:" + session);
            assertThat(credits.value("SELECT metadata->>'stripe_session_id' FROM credits_ledger WHERE user_id = ?", buyer))
                    .isEqualTo(session);
        }
    }

    @Test
    void concurrentDeliveriesOfOneSessionWriteOneEntry() {
        UUID buyer = Fixtures.user();
        String event = checkoutCompleted("evt_race", "cs_race_" + UUID.randomUUID().toString().replace("-", ""),
                buyer.toString(), 999, "usd", "paid");

        List<Response> answers = Race.run(8, i -> deliver(event, now()));

        assertThat(answers).extracting(Response::statusCode).containsOnly(200);
        assertThat(answers).extracting(a -> a.jsonPath().getString("outcome")).containsOnly("credited", "duplicate")
                .containsOnlyOnce("credited");
        assertThat(Fixtures.balance(buyer)).isEqualByComparingTo("999");
    }

    @Test
    void theUserMayComeFromMetadataAndIsProvisionedWhenMissing() {
        UUID buyer = UUID.randomUUID();
        String event = """
                {"id": "evt_meta", "type": "checkout.session.completed", "data": {"object": {
                  "id": "cs_meta_%s", "object": "checkout.session", "metadata": {"user_id": "%s"},
                  "amount_total": 250, "currency": "usd", "payment_status": "paid",
                  "customer_details": {"email": "buyer@example.test"}}}}
                """.formatted(UUID.randomUUID().toString().replace("-", ""), buyer);
        deliver(event, now()).then().statusCode(200).body("outcome", equalTo("credited"));
        assertThat(Fixtures.balance(buyer)).isEqualByComparingTo("250");
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.value("SELECT email FROM users WHERE id = ?", buyer)).isEqualTo("buyer@example.test");
        }
    }

    @Test
    void unsignedWronglySignedTamperedAndStaleDeliveriesAre400() {
        UUID buyer = Fixtures.user();
        String event = checkoutCompleted("evt_bad", "cs_bad_" + UUID.randomUUID().toString().replace("-", ""),
                buyer.toString(), 5000, "usd", "paid");
        byte[] payload = event.getBytes(StandardCharsets.UTF_8);
        long now = now();

        webhook().body(payload).post(WEBHOOK).then().statusCode(400).body("code", equalTo("invalid_signature"));
        signed(payload, StripeSignature.header("whsec_someone_else", now, payload)).post(WEBHOOK).then().statusCode(400)
                .body("code", equalTo("invalid_signature"));
        String tampered = event.replace("5000", "500000");
        signed(tampered.getBytes(StandardCharsets.UTF_8), StripeSignature.header(secret, now, payload)).post(WEBHOOK)
                .then().statusCode(400);
        // The tolerance is 300 s; the margins keep a slow machine from moving the answer.
        deliver(event, now - 360).then().statusCode(400).body("code", equalTo("invalid_signature"));
        deliver(event, now + 360).then().statusCode(400);
        for (String header : new String[] { "garbage", "t=,v1=", "t=abc,v1=00", "v1=" + "0".repeat(64), "t=" + now }) {
            signed(payload, header).post(WEBHOOK).then().statusCode(400).body("code", equalTo("invalid_signature"));
        }
        assertThat(Fixtures.entries("user_id = ?", buyer)).isZero();

        // Within the tolerance (and with a second, rolled signature that does not match) it is accepted.
        long earlier = now - 250;
        String valid = StripeSignature.header(secret, earlier, payload);
        String validV1 = valid.substring(valid.indexOf(",v1=") + 1);
        signed(payload, "t=" + earlier + ",v1=" + "ab".repeat(32) + "," + validV1).post(WEBHOOK).then().statusCode(200)
                .body("outcome", equalTo("credited"));
        assertThat(Fixtures.balance(buyer)).isEqualByComparingTo("5000");
    }

    @Test
    void otherEventsAndUnpaidSessionsAreAcknowledgedWithoutAnEntry() {
        UUID buyer = Fixtures.user();
        String other = """
                {"id": "evt_pi", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1", "amount": 700}}}
                """;
        deliver(other, now()).then().statusCode(200).body("outcome", equalTo("ignored"));
        deliver(checkoutCompleted("evt_unpaid", "cs_unpaid_1", buyer.toString(), 700, "usd", "unpaid"), now()).then()
                .statusCode(200).body("outcome", equalTo("ignored"));
        assertThat(Fixtures.entries("user_id = ?", buyer)).isZero();
    }

    @Test
    void aPaidSessionThatCannotBeCreditedIs422SoStripeRetries() {
        UUID buyer = Fixtures.user();
        deliver(checkoutCompleted("evt_eur", "cs_eur_1", buyer.toString(), 700, "eur", "paid"), now()).then()
                .statusCode(422).body("code", equalTo("uncreditable_payment"));
        deliver(checkoutCompleted("evt_nouser", "cs_nouser_1", "not-a-user", 700, "usd", "paid"), now()).then()
                .statusCode(422);
        deliver(checkoutCompleted("evt_huge", "cs_huge_1", buyer.toString(), 10_000_001, "usd", "paid"), now()).then()
                .statusCode(422);
        deliver("[1, 2]", now()).then().statusCode(400).body("code", equalTo("malformed_json"));
        deliver("{\"type\": \"checkout.session.completed\", \"data\": {\"object\": {\"id\": \"../x\"}}}", now()).then()
                .statusCode(400).body("errors[0].field", equalTo("data.object.id"));
        assertThat(Fixtures.entries("user_id = ?", buyer)).isZero();
    }

    private Response deliver(String event, long timestamp) {
        byte[] payload = event.getBytes(StandardCharsets.UTF_8);
        return signed(payload, StripeSignature.header(secret, timestamp, payload)).post(WEBHOOK);
    }

    private static RequestSpecification signed(byte[] payload, String header) {
        return webhook().header("Stripe-Signature", header).body(payload);
    }

    private static RequestSpecification webhook() {
        return Api.given().contentType("application/json; charset=utf-8");
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static String checkoutCompleted(String eventId, String sessionId, String clientReference, long amountTotal,
            String currency, String paymentStatus) {
        return """
                {
                  "id": "%s",
                  "object": "event",
                  "type": "checkout.session.completed",
                  "data": {
                    "object": {
                      "id": "%s",
                      "object": "checkout.session",
                      "client_reference_id": "%s",
                      "amount_total": %d,
                      "currency": "%s",
                      "payment_status": "%s",
                      "payment_intent": "pi_%s"
                    }
                  }
                }
                """.formatted(eventId, sessionId, clientReference, amountTotal, currency, paymentStatus, eventId);
    }
}
