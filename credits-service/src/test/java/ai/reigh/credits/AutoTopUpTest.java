package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.credits.service.AutoTopUpCharger;
import ai.reigh.credits.service.StripeSignature;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Auto top-up that works: a spend that takes the balance under the threshold decides one charge (in
 * its transaction), the charger charges the saved card once through Stripe (the local fake) outside
 * any transaction, with the charge's id as the PaymentIntent's idempotency key, and credits it once.
 * The charger's schedule is off in tests: each test drives it ({@link AutoTopUpCharger#runOnce}).
 */
@QuarkusTest
class AutoTopUpTest {
    /** Task types priced in round credits, so balances are easy to follow. */
    static final String TEN = "auto_top_up_test_ten";
    static final String BIG = "auto_top_up_test_big";

    @Inject
    AutoTopUpCharger charger;

    @ConfigProperty(name = "reigh.credits.stripe.webhook-secret")
    String secret;

    private final FakeStripe stripe = FakeStripe.shared();

    @BeforeAll
    static void taskTypes() {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO task_cost_configs (task_type, billing_type, unit_cost) VALUES (?, 'per_unit', 10),"
                    + " (?, 'per_unit', 300) ON CONFLICT (task_type) DO NOTHING", TEN, BIG);
        }
    }

    @AfterEach
    void calm() {
        stripe.reset();
        // Nothing of one test is left for the next one's runs to charge.
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE credits_auto_top_up_charges SET status = 'failed', last_error = 'end of test'"
                    + " WHERE status IN ('pending', 'charging', 'processing')");
        }
    }

    /** A user with {@code balance} credits and auto top-up on with a saved card (as the setup session leaves it). */
    private static Account account(String balance, int amountCents, String threshold) {
        UUID user = Fixtures.user();
        Fixtures.grant(user, balance);
        String customer = "cus_t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO credits_auto_top_ups (user_id, enabled, amount_cents, threshold_credits,"
                    + " stripe_customer_id, stripe_payment_method_id, setup_completed_at) VALUES (?, true, ?, ?, ?, 'pm_card_visa', now())",
                    user, amountCents, new BigDecimal(threshold), customer);
        }
        return new Account(user, customer);
    }

    record Account(UUID user, String customer) {
    }

    private static Response spend(UUID user, String taskType) {
        Instant start = Instant.now().minusSeconds(30);
        UUID task = Fixtures.completeTask(user, taskType, start, start.plusSeconds(3));
        return Fixtures.postCharge(Fixtures.charge(task, user, taskType, Map.of(), start, start.plusSeconds(3)));
    }

    private static long charges(UUID user, String where) {
        try (SqlSession sql = SqlSession.as("reigh_credits").actingAsService()) {
            return sql.count("SELECT count(*) FROM credits_auto_top_up_charges WHERE user_id = ? AND " + where, user);
        }
    }

    private static void dueNow(UUID user) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE credits_auto_top_up_charges SET next_attempt_at = now() WHERE user_id = ? AND status = 'pending'",
                    user);
        }
    }

    private AutoTopUpCharger.Run run() {
        return charger.runOnce().await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void aBatchOfSpendsDecidesOneChargeForEachUserItTookUnderTheThreshold() {
        Account crossing = account("125", 500, "100");
        Account alsoCrossing = account("105", 700, "100");
        Account staying = account("1000", 500, "100");
        Instant start = Instant.now().minusSeconds(30);
        List<Object> charges = new ArrayList<>();
        // Three spends of 10 each for the first two (125 → 95, 105 → 75) and for the third (1000 → 970).
        for (int i = 0; i < 3; i++) {
            for (Account account : List.of(crossing, alsoCrossing, staying)) {
                UUID task = Fixtures.completeTask(account.user(), TEN, start, start.plusSeconds(3));
                charges.add(Fixtures.charge(task, account.user(), TEN, Map.of(), start, start.plusSeconds(3)));
            }
        }
        Api.as(Tokens.service()).body(Map.of("charges", charges)).post("/internal/v1/charges/batch").then()
                .statusCode(200).body("results.status.unique()", equalTo(List.of(201)));

        assertThat(charges(crossing.user(), "status = 'pending' AND amount_cents = 500")).isEqualTo(1);
        assertThat(charges(alsoCrossing.user(), "status = 'pending' AND amount_cents = 700")).isEqualTo(1);
        assertThat(charges(staying.user(), "true")).isZero();
        assertThat(Fixtures.balance(crossing.user())).isEqualByComparingTo("95");
        assertThat(Fixtures.balance(alsoCrossing.user())).isEqualByComparingTo("75");
    }

    @Test
    void manyConcurrentSpendsCrossingTheThresholdChargeTheCardOnce() {
        Account account = account("120", 500, "100");
        // 20 spends of 10 at once: the balance goes 120 → -80, crossing 100 on the third.
        List<Integer> statuses = Race.run(20, i -> spend(account.user(), TEN).statusCode());
        assertThat(statuses).containsOnly(201);
        assertThat(charges(account.user(), "true")).isEqualTo(1);
        // Four chargers at once (replicas): the one charge is claimed by one of them.
        List<AutoTopUpCharger.Run> runs = Race.run(4, i -> run());
        assertThat(runs.stream().mapToInt(AutoTopUpCharger.Run::succeeded).sum()).isEqualTo(1);
        assertThat(stripe.paymentIntentsMade(account.customer())).isEqualTo(1);
        FakeStripe.Request charge = stripe.paymentIntentRequests(account.customer()).get(0);
        assertThat(charge.form()).containsEntry("amount", "500").containsEntry("currency", "usd")
                .containsEntry("off_session", "true").containsEntry("confirm", "true")
                .containsEntry("payment_method", "pm_card_visa").containsEntry("metadata[user_id]", account.user().toString());
        assertThat(Fixtures.entries("user_id = ? AND type = 'auto_topup'", account.user())).isEqualTo(1);
        assertThat(Fixtures.balance(account.user())).isEqualByComparingTo("420");
        assertThat(Fixtures.ledgerSum(account.user())).isEqualByComparingTo("420");
        Api.as(Tokens.user(account.user())).get("/v1/credits/auto-top-up").then().statusCode(200)
                .body("enabled", equalTo(true)).body("setup_completed", equalTo(true))
                .body("last_charge.status", equalTo("succeeded")).body("last_charge.amount_cents", equalTo(500));
    }

    @Test
    void aSecondCrossingInsideTheWindowDoesNotChargeAndOneAfterItDoes() {
        Account account = account("101", 500, "100");
        spend(account.user(), TEN).then().statusCode(201);
        run();
        assertThat(Fixtures.balance(account.user())).isEqualByComparingTo("591");
        // 591 → 291 → -9: under the threshold again within the hour: no new charge.
        spend(account.user(), BIG).then().statusCode(201);
        spend(account.user(), BIG).then().statusCode(201);
        run();
        assertThat(charges(account.user(), "true")).isEqualTo(1);
        assertThat(stripe.paymentIntentsMade(account.customer())).isEqualTo(1);
        // An hour later (the decision moved back in time), the next spend under the threshold charges again.
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE credits_auto_top_up_charges SET decided_at = now() - interval '61 minutes' WHERE user_id = ?",
                    account.user());
        }
        spend(account.user(), TEN).then().statusCode(201);
        run();
        assertThat(stripe.paymentIntentsMade(account.customer())).isEqualTo(2);
        assertThat(Fixtures.balance(account.user())).isEqualByComparingTo("481");
        // A spend that leaves the balance above the threshold decides nothing.
        Account rich = account("1000", 500, "100");
        spend(rich.user(), TEN).then().statusCode(201);
        assertThat(charges(rich.user(), "true")).isZero();
    }

    @Test
    void stripeFailuresAndTimeoutsAreRetriedWithTheSameKeyAndChargeOnce() {
        Account failing = account("105", 500, "100");
        spend(failing.user(), TEN).then().statusCode(201);
        stripe.failNext(2, 500);
        assertThat(run().retrying()).isEqualTo(1);
        dueNow(failing.user());
        assertThat(run().retrying()).isEqualTo(1);
        dueNow(failing.user());
        assertThat(run().succeeded()).isEqualTo(1);
        List<FakeStripe.Request> attempts = stripe.paymentIntentRequests(failing.customer());
        assertThat(attempts).hasSize(3);
        assertThat(attempts).extracting(FakeStripe.Request::idempotencyKey).containsOnly(attempts.get(0).idempotencyKey());
        assertThat(stripe.paymentIntentsMade(failing.customer())).isEqualTo(1);
        assertThat(Fixtures.entries("user_id = ? AND type = 'auto_topup'", failing.user())).isEqualTo(1);

        // Stripe charges the card but answers after our timeout: the retry finds that PaymentIntent.
        Account slow = account("105", 500, "100");
        spend(slow.user(), TEN).then().statusCode(201);
        stripe.stallNext(1, Duration.ofSeconds(3));
        assertThat(run().retrying()).isEqualTo(1);
        assertThat(stripe.paymentIntentsMade(slow.customer())).isEqualTo(1);
        dueNow(slow.user());
        assertThat(run().succeeded()).isEqualTo(1);
        assertThat(stripe.paymentIntentsMade(slow.customer())).isEqualTo(1);
        assertThat(Fixtures.entries("user_id = ? AND type = 'auto_topup'", slow.user())).isEqualTo(1);
        assertThat(Fixtures.balance(slow.user())).isEqualByComparingTo("595");
    }

    @Test
    void retriesAreBoundedAndADeclinedCardIsNotRetried() {
        Account down = account("105", 500, "100");
        spend(down.user(), TEN).then().statusCode(201);
        stripe.failNext(10, 503);
        for (int attempt = 1; attempt <= 3; attempt++) {
            run();
            dueNow(down.user());
        }
        assertThat(charges(down.user(), "status = 'failed' AND attempts = 3")).isEqualTo(1);
        run();
        assertThat(stripe.paymentIntentRequests(down.customer())).hasSize(3);
        assertThat(Fixtures.entries("user_id = ? AND type = 'auto_topup'", down.user())).isZero();

        stripe.reset();
        Account declined = account("105", 500, "100");
        spend(declined.user(), TEN).then().statusCode(201);
        stripe.declineNext();
        assertThat(run().failed()).isEqualTo(1);
        run();
        assertThat(stripe.paymentIntentRequests(declined.customer())).hasSize(1);
        Api.as(Tokens.user(declined.user())).get("/v1/credits/auto-top-up").then().statusCode(200)
                .body("last_charge.status", equalTo("failed"))
                .body("last_charge.error", org.hamcrest.Matchers.containsString("card_declined"));
    }

    /**
     * A charger that dies after claiming a charge — before calling Stripe, or after Stripe charged the
     * card but before it recorded the answer — leaves the charge claimed; when the claim runs out, the
     * next run charges it with the same idempotency key: one PaymentIntent, one credit, either way.
     */
    @Test
    void aCrashBetweenTheDecisionAndTheChargeIsRecovered() throws Exception {
        for (boolean stripeWasCalled : new boolean[] { false, true }) {
            Account account = account("105", 500, "100");
            spend(account.user(), TEN).then().statusCode(201);
            UUID charge;
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                // What the dead charger's claim left: charging, one attempt, the claim still running.
                charge = (UUID) sql.value("UPDATE credits_auto_top_up_charges SET status = 'charging', attempts = 1,"
                        + " claimed_until = now() + interval '1 hour' WHERE user_id = ? RETURNING id", account.user());
            }
            if (stripeWasCalled) {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(stripe.url() + "/v1/payment_intents"))
                        .header("Authorization", "Bearer " + FakeStripe.SECRET_KEY)
                        .header("Idempotency-Key", AutoTopUpCharger.idempotencyKey(charge))
                        .POST(HttpRequest.BodyPublishers.ofString("amount=500&currency=usd&customer=" + account.customer()
                                + "&payment_method=pm_card_visa&confirm=true&off_session=true"))
                        .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertThat(answer.statusCode()).isEqualTo(200);
            }
            assertThat(run().claimed()).as("a live claim is left alone").isZero();
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                sql.update("UPDATE credits_auto_top_up_charges SET claimed_until = now() - interval '1 second' WHERE id = ?",
                        charge);
            }
            assertThat(run().succeeded()).isEqualTo(1);
            assertThat(stripe.paymentIntentsMade(account.customer())).isEqualTo(1);
            assertThat(Fixtures.entries("user_id = ? AND type = 'auto_topup'", account.user())).isEqualTo(1);
            assertThat(Fixtures.balance(account.user())).isEqualByComparingTo("595");
        }
    }

    @Test
    void theWebhookAndTheChargerCreditAPaymentIntentOnce() {
        Account account = account("105", 500, "100");
        spend(account.user(), TEN).then().statusCode(201);
        stripe.paymentIntentsEndAs("processing");
        run();
        assertThat(charges(account.user(), "status = 'processing'")).isEqualTo(1);
        String paymentIntent;
        UUID charge;
        try (SqlSession sql = SqlSession.as("reigh_credits").actingAsService()) {
            List<Object> row = sql.query("SELECT id, payment_intent_id FROM credits_auto_top_up_charges WHERE user_id = ?",
                    account.user()).get(0);
            charge = (UUID) row.get(0);
            paymentIntent = (String) row.get(1);
        }
        String event = paymentIntentEvent("payment_intent.succeeded", paymentIntent, charge, account.user());
        deliver(event).then().statusCode(200).body("outcome", equalTo("credited"));
        deliver(event).then().statusCode(200).body("outcome", equalTo("duplicate"));
        charger.credit(charge, account.user(), 500, paymentIntent).await().atMost(Duration.ofSeconds(10));
        assertThat(Fixtures.entries("user_id = ? AND type = 'auto_topup'", account.user())).isEqualTo(1);
        assertThat(charges(account.user(), "status = 'succeeded'")).isEqualTo(1);
        // An event naming the charge under another user credits nothing.
        deliver(paymentIntentEvent("payment_intent.succeeded", "pi_other", charge, Fixtures.user())).then()
                .statusCode(200).body("outcome", equalTo("ignored"));
    }

    @Test
    void theSetupSessionSavesTheCardThroughTheWebhook() {
        UUID user = Fixtures.user();
        String token = Tokens.user(user);
        Api.as(token).get("/v1/credits/auto-top-up").then().statusCode(200).body("enabled", equalTo(false))
                .body("setup_completed", equalTo(false)).body("last_charge", nullValue());
        Api.as(token).body(Map.of("enabled", true, "amount_cents", 2000, "threshold_credits", 500)).put("/v1/credits/auto-top-up")
                .then().statusCode(200).body("enabled", equalTo(true)).body("amount_cents", equalTo(2000))
                .body("setup_completed", equalTo(false));
        Response session = Api.as(token).header("Idempotency-Key", "setup-1").post("/v1/credits/auto-top-up/setup-session");
        session.then().statusCode(201).body("mode", equalTo("setup"));
        Api.as(token).header("Idempotency-Key", "setup-1").post("/v1/credits/auto-top-up/setup-session").then()
                .statusCode(200).body("checkout_session_id", equalTo(session.path("checkout_session_id")));
        FakeStripe.Request created = stripe.requests("/v1/checkout/sessions").stream()
                .filter(r -> user.toString().equals(r.form().get("setup_intent_data[metadata][user_id]"))).findFirst()
                .orElseThrow();
        String customer = created.form().get("customer");
        assertThat(customer).startsWith("cus_");
        assertThat(created.form()).containsEntry("mode", "setup").containsEntry("setup_intent_data[metadata][purpose]",
                "auto_top_up");
        assertThat(stripe.requests("/v1/customers").stream().filter(r -> user.toString().equals(r.form().get("metadata[user_id]"))))
                .hasSize(1);

        // A SetupIntent of another customer naming this user saves nothing; the user's own saves the card.
        deliver(setupSucceeded("cus_someoneelse", "pm_theirs", user)).then().statusCode(200).body("outcome", equalTo("ignored"));
        Api.as(token).get("/v1/credits/auto-top-up").then().body("setup_completed", equalTo(false));
        deliver(setupSucceeded(customer, "pm_card_mastercard", user)).then().statusCode(200)
                .body("outcome", equalTo("card_saved"));
        Api.as(token).get("/v1/credits/auto-top-up").then().body("setup_completed", equalTo(true))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("stripe_payment_method_id")));

        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("enabled", true),
                Map.of("enabled", true, "amount_cents", 400, "threshold_credits", 100),
                Map.of("enabled", true, "amount_cents", 1000, "threshold_credits", 50),
                Map.of("enabled", true, "amount_cents", 1000, "threshold_credits", 1000),
                Map.of("enabled", true, "amount_cents", 1000, "threshold_credits", 100.0001))) {
            Api.as(token).body(bad).put("/v1/credits/auto-top-up").then().statusCode(400)
                    .body("code", equalTo("validation_failed"));
        }
        Api.as(token).body(Map.of("enabled", false)).put("/v1/credits/auto-top-up").then().statusCode(200)
                .body("enabled", equalTo(false)).body("setup_completed", equalTo(true));
    }

    private Response deliver(String event) {
        byte[] payload = event.getBytes(StandardCharsets.UTF_8);
        return Api.given().contentType("application/json")
                .header("Stripe-Signature", StripeSignature.header(secret, Instant.now().getEpochSecond(), payload))
                .body(payload).post("/v1/credits/stripe/webhook");
    }

    private static String setupSucceeded(String customer, String paymentMethod, UUID user) {
        return """
                {"id": "evt_%s", "object": "event", "type": "setup_intent.succeeded",
                 "data": {"object": {"id": "seti_%s", "object": "setup_intent", "status": "succeeded", "customer": "%s",
                   "payment_method": "%s", "metadata": {"purpose": "auto_top_up", "user_id": "%s"}}}}"""
                .formatted(UUID.randomUUID().toString().replace("-", ""), UUID.randomUUID().toString().replace("-", ""),
                        customer, paymentMethod, user);
    }

    private static String paymentIntentEvent(String type, String paymentIntent, UUID charge, UUID user) {
        return """
                {"id": "evt_%s", "object": "event", "type": "%s",
                 "data": {"object": {"id": "%s", "object": "payment_intent", "status": "succeeded", "amount": 500,
                   "amount_received": 500, "currency": "usd",
                   "metadata": {"purpose": "auto_top_up", "auto_top_up_charge_id": "%s", "user_id": "%s"}}}}"""
                .formatted(UUID.randomUUID().toString().replace("-", ""), type, paymentIntent, charge, user);
    }
}
