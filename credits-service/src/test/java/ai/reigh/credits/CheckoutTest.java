package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.credits.service.StripeSignature;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Buying credits: the backend creates the Stripe Checkout session (against the local fake of Stripe's
 * API), idempotently, and the existing webhook credits the paid session once.
 */
@QuarkusTest
class CheckoutTest {
    @ConfigProperty(name = "reigh.credits.stripe.webhook-secret")
    String secret;

    private final FakeStripe stripe = FakeStripe.shared();

    @AfterEach
    void calm() {
        stripe.reset();
    }

    @Test
    void aSessionIsCreatedOnceAndThePaidSessionIsCreditedOnce() {
        UUID buyer = Fixtures.user();
        String token = Tokens.user(buyer);
        String key = "buy-" + UUID.randomUUID();
        Response created = Api.as(token).header("Idempotency-Key", key).body(Map.of("amount_cents", 1500))
                .post("/v1/credits/checkout");
        created.then().statusCode(201).body("mode", equalTo("payment")).body("amount_cents", equalTo(1500));
        String sessionId = created.path("checkout_session_id");
        assertThat((String) created.path("url")).startsWith("https://checkout.stripe.test/");
        FakeStripe.Request sent = stripe.requests("/v1/checkout/sessions").stream()
                .filter(r -> buyer.toString().equals(r.form().get("client_reference_id"))).findFirst().orElseThrow();
        assertThat(sent.form()).containsEntry("mode", "payment").containsEntry("line_items[0][price_data][unit_amount]", "1500")
                .containsEntry("line_items[0][price_data][currency]", "usd").containsEntry("metadata[user_id]", buyer.toString());
        assertThat(sent.idempotencyKey()).isEqualTo("reigh-checkout-" + created.path("id"));

        // The same request again: the same session, and Stripe is not asked again.
        int asked = stripe.requests("/v1/checkout/sessions").size();
        Api.as(token).header("Idempotency-Key", key).body(Map.of("amount_cents", 1500)).post("/v1/credits/checkout").then()
                .statusCode(200).body("checkout_session_id", equalTo(sessionId)).body("id", equalTo(created.path("id")));
        assertThat(stripe.requests("/v1/checkout/sessions")).hasSize(asked);
        // Another amount with that key is refused; without a key every request is a new session.
        Api.as(token).header("Idempotency-Key", key).body(Map.of("amount_cents", 2000)).post("/v1/credits/checkout").then()
                .statusCode(409).body("code", equalTo("idempotency_key_reused"));
        String other = Api.as(token).body(Map.of("amount_cents", 1500)).post("/v1/credits/checkout").then().statusCode(201)
                .extract().path("checkout_session_id");
        assertThat(other).isNotEqualTo(sessionId);

        // Stripe completes the session: credited once, whatever the number of deliveries.
        String event = checkoutCompleted("evt_" + UUID.randomUUID().toString().replace("-", ""), sessionId, buyer, 1500);
        deliver(event).then().statusCode(200).body("outcome", equalTo("credited"));
        deliver(event).then().statusCode(200).body("outcome", equalTo("duplicate"));
        assertThat(Fixtures.balance(buyer)).isEqualByComparingTo("1500");
        assertThat(Fixtures.entries("user_id = ? AND type = 'stripe'", buyer)).isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneKeyMakeOneSession() {
        UUID buyer = Fixtures.user();
        String token = Tokens.user(buyer);
        String key = "race-" + UUID.randomUUID();
        List<Integer> statuses = Race.run(8, i -> Api.as(token).header("Idempotency-Key", key)
                .body(Map.of("amount_cents", 800)).post("/v1/credits/checkout").statusCode());
        assertThat(statuses).allMatch(status -> status == 200 || status == 201 || status == 503);
        // Whatever each caller saw, one row and one session at Stripe for that key.
        Api.as(token).header("Idempotency-Key", key).body(Map.of("amount_cents", 800)).post("/v1/credits/checkout").then()
                .statusCode(200);
        try (SqlSession sql = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM credits_checkout_sessions WHERE user_id = ?", buyer)).isEqualTo(1);
        }
        long madeForBuyer = stripe.requests("/v1/checkout/sessions").stream()
                .filter(r -> buyer.toString().equals(r.form().get("client_reference_id")))
                .map(FakeStripe.Request::idempotencyKey).distinct().count();
        assertThat(madeForBuyer).isEqualTo(1);
    }

    @Test
    void stripeDownIsA503AndTheRetryWithTheSameKeyGetsOneSession() {
        UUID buyer = Fixtures.user();
        String token = Tokens.user(buyer);
        String key = "retry-" + UUID.randomUUID();
        stripe.failNext(1, 500);
        Api.as(token).header("Idempotency-Key", key).body(Map.of("amount_cents", 900)).post("/v1/credits/checkout").then()
                .statusCode(503).body("code", equalTo("service_unavailable"));
        String session = Api.as(token).header("Idempotency-Key", key).body(Map.of("amount_cents", 900))
                .post("/v1/credits/checkout").then().statusCode(200).extract().path("checkout_session_id");
        assertThat(session).isNotNull();
        // Stripe refusing outright (a 4xx) is a 502: not the client's fault, not worth a retry.
        stripe.failNext(1, 400);
        Api.as(token).body(Map.of("amount_cents", 900)).post("/v1/credits/checkout").then().statusCode(502)
                .body("code", equalTo("bad_gateway"));
    }

    @Test
    void amountsOutOfRangeAndStrangersAreRefused() {
        String token = Tokens.user(Fixtures.user());
        for (Object amount : List.of(499, 10_001, 0, -500)) {
            Api.as(token).body(Map.of("amount_cents", amount)).post("/v1/credits/checkout").then().statusCode(400)
                    .body("errors[0].field", equalTo("amount_cents"));
        }
        Api.as(token).body(Map.of("amount_cents", 12.5)).post("/v1/credits/checkout").then().statusCode(400);
        Api.as(token).body(Map.of("amount_cents", 1000, "user_id", UUID.randomUUID().toString())).post("/v1/credits/checkout")
                .then().statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(Tokens.worker()).body(Map.of("amount_cents", 1000)).post("/v1/credits/checkout").then().statusCode(403);
    }

    private Response deliver(String event) {
        byte[] payload = event.getBytes(StandardCharsets.UTF_8);
        return Api.given().contentType("application/json")
                .header("Stripe-Signature", StripeSignature.header(secret, Instant.now().getEpochSecond(), payload))
                .body(payload).post("/v1/credits/stripe/webhook");
    }

    static String checkoutCompleted(String eventId, String sessionId, UUID buyer, long amountTotal) {
        return """
                {"id": "%s", "object": "event", "type": "checkout.session.completed",
                 "data": {"object": {"id": "%s", "object": "checkout.session", "mode": "payment",
                   "client_reference_id": "%s", "amount_total": %d, "currency": "usd", "payment_status": "paid"}}}"""
                .formatted(eventId, sessionId, buyer, amountTotal);
    }
}
