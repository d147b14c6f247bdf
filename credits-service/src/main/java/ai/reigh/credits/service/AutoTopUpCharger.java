package ai.reigh.credits.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.background.CoalescedRuns;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.credits.client.StripeClient;
import ai.reigh.credits.client.StripeFailure;
import ai.reigh.credits.client.StripeForm;
import ai.reigh.credits.config.CreditsConfig;
import ai.reigh.credits.repository.AutoTopUpChargeRepository;
import ai.reigh.credits.repository.AutoTopUpChargeRow;
import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.LedgerEntryRow;
import ai.reigh.credits.repository.LedgerRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Auto top-up, from the decision to the credit:
 *
 * <ol>
 * <li><b>Decide</b> ({@link #decideAfterSpends}), in the transaction of the spend that took the balance
 * under the threshold: a {@code pending} charge row (an outbox row), or nothing when a charge is in
 * flight or one was decided within the window. Nothing is charged inside a transaction.</li>
 * <li><b>Claim</b> ({@link #runOnce}), in a short transaction: due charges become {@code charging}
 * with one more attempt, hidden from other chargers until their claim runs out
 * ({@code FOR UPDATE SKIP LOCKED}: replicas share the work without a leader).</li>
 * <li><b>Charge</b>, outside any transaction: one PaymentIntent ({@code confirm}, {@code off_session})
 * whose Idempotency-Key is the charge's id. A retry — after a timeout, a 5xx, a crash between the
 * claim and the answer — is the same request: Stripe answers the PaymentIntent it already made, so a
 * card is never charged twice for one charge.</li>
 * <li><b>Settle</b>, in one transaction: succeeded → one {@code auto_topup} ledger entry per
 * PaymentIntent (ledger key {@code auto_topup:{payment_intent}}, the one the webhook uses too) and the
 * charge {@code succeeded}; declined or refused → {@code failed}; inconclusive → {@code pending} again
 * after a backoff, at most {@code max-attempts} times.</li>
 * </ol>
 */
@ApplicationScoped
public class AutoTopUpCharger {
    private static final Logger LOG = Logger.getLogger(AutoTopUpCharger.class);
    static final String AUTO_TOPUP = "auto_topup";
    /** {@code metadata[purpose]} of our PaymentIntents (and SetupIntents), read back by the webhook. */
    public static final String PURPOSE = "auto_top_up";

    /** What one run did. */
    public record Run(int claimed, int succeeded, int failed, int retrying, int gaveUp) {
    }

    private enum Result {
        SUCCEEDED, FAILED, RETRYING, PROCESSING
    }

    private final Db db;
    private final AutoTopUpChargeRepository charges;
    private final LedgerRepository ledger;
    private final StripeClient stripe;
    private final CreditsConfig.AutoTopUp settings;
    /** One run at a time per instance; a request during a run makes one more run after it. */
    private final CoalescedRuns runs;

    public AutoTopUpCharger(Db db, AutoTopUpChargeRepository charges, LedgerRepository ledger, StripeClient stripe,
            CreditsConfig config, Vertx vertx) {
        this.db = db;
        this.charges = charges;
        this.ledger = ledger;
        this.stripe = stripe;
        this.settings = config.autoTopUp();
        this.runs = new CoalescedRuns(vertx, Duration.ZERO, this::runOnce,
                failure -> LOG.warnf("auto top-up run failed: %s", failure.getClass().getSimpleName()));
    }

    /** The decision for the users of the caller's spends, in the spends' transaction: the new charges' ids. */
    public Uni<List<UUID>> decideAfterSpends(SqlConnection connection, Collection<UUID> userIds) {
        return userIds.isEmpty() ? Uni.createFrom().item(List.of()) : charges.decide(connection, userIds, settings.window());
    }

    /** After the deciding transaction committed: charge now rather than at the next scheduled run. */
    public void afterDecisions(List<UUID> chargeIds) {
        if (!chargeIds.isEmpty() && settings.chargeAfterDecision()) {
            runInBackground();
        }
    }

    @Scheduled(identity = "auto-top-up-charger", every = "${reigh.credits.auto-top-up.interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        runInBackground();
    }

    private void runInBackground() {
        if (stripe.isConfigured()) {
            runs.request();
        }
    }

    /**
     * One run: charges out of attempts are failed, then up to {@code batch-size} due charges are
     * claimed and charged, one after the other (a user has at most one in flight).
     */
    public Uni<Run> runOnce() {
        stripe.requireConfigured();
        return db.inTransaction(Actor.service(), connection -> charges.giveUp(connection, settings.maxAttempts())
                .chain(gaveUp -> charges.claim(connection, settings.batchSize(), settings.claimDuration())
                        .map(claimed -> new Claimed(gaveUp, claimed))))
                .chain(claimed -> chargeAll(claimed.charges()).map(results -> new Run(claimed.charges().size(),
                        count(results, Result.SUCCEEDED), count(results, Result.FAILED),
                        count(results, Result.RETRYING), claimed.gaveUp())));
    }

    private record Claimed(int gaveUp, List<AutoTopUpChargeRow> charges) {
    }

    private static int count(List<Result> results, Result wanted) {
        return (int) results.stream().filter(wanted::equals).count();
    }

    private Uni<List<Result>> chargeAll(List<AutoTopUpChargeRow> claimed) {
        Uni<List<Result>> all = Uni.createFrom().item(new ArrayList<>());
        for (AutoTopUpChargeRow charge : claimed) {
            all = all.chain(results -> charge(charge).map(result -> {
                results.add(result);
                return results;
            }));
        }
        return all;
    }

    private Uni<Result> charge(AutoTopUpChargeRow charge) {
        StripeForm form = new StripeForm().put("amount", charge.amountCents()).put("currency", "usd")
                .put("customer", charge.stripeCustomerId()).put("payment_method", charge.stripePaymentMethodId())
                .put("confirm", "true").put("off_session", "true")
                .put("description", "Reigh credits: automatic top-up")
                .put("metadata[purpose]", PURPOSE).put("metadata[user_id]", charge.userId())
                .put("metadata[auto_top_up_charge_id]", charge.id());
        return stripe.createPaymentIntent(form, idempotencyKey(charge.id()))
                .chain(intent -> settleAnswer(charge, intent))
                .onFailure(StripeFailure.class).recoverWithUni(failure -> settleFailure(charge, (StripeFailure) failure));
    }

    /** The Idempotency-Key of a charge's PaymentIntent: the same on every attempt. */
    public static String idempotencyKey(UUID chargeId) {
        return "reigh-auto-top-up-" + chargeId;
    }

    private Uni<Result> settleAnswer(AutoTopUpChargeRow charge, JsonNode intent) {
        String paymentIntentId = intent.path("id").asText(null);
        String status = intent.path("status").asText("");
        if (paymentIntentId == null) {
            return settleFailure(charge, new StripeFailure(StripeFailure.Kind.RETRYABLE, 200, "a PaymentIntent without id"));
        }
        return switch (status) {
            case "succeeded" -> credit(charge.id(), charge.userId(), charge.amountCents(), paymentIntentId)
                    .replaceWith(Result.SUCCEEDED);
            // Settled later by the webhook (payment_intent.succeeded / payment_failed).
            case "processing" -> db.inTransaction(Actor.service(),
                    connection -> charges.processing(connection, charge.id(), paymentIntentId)).replaceWith(Result.PROCESSING);
            default -> db.inTransaction(Actor.service(), connection -> charges.failed(connection, charge.id(),
                    "the PaymentIntent is " + status + " (the card needs its holder)", paymentIntentId))
                    .replaceWith(Result.FAILED);
        };
    }

    private Uni<Result> settleFailure(AutoTopUpChargeRow charge, StripeFailure failure) {
        if (!failure.retryable()) {
            LOG.infof("auto top-up %s of user %s failed: %s", charge.id(), charge.userId(), failure.getMessage());
            return db.inTransaction(Actor.service(),
                    connection -> charges.failed(connection, charge.id(), failure.getMessage(), null))
                    .replaceWith(Result.FAILED);
        }
        if (charge.attempts() >= settings.maxAttempts()) {
            LOG.warnf("auto top-up %s of user %s: no conclusive answer after %d attempts (%s)", charge.id(),
                    charge.userId(), charge.attempts(), failure.getMessage());
            return db.inTransaction(Actor.service(), connection -> charges.failed(connection, charge.id(),
                    "gave up after " + charge.attempts() + " attempts: " + failure.getMessage(), null))
                    .replaceWith(Result.FAILED);
        }
        return db.inTransaction(Actor.service(), connection -> charges.retryLater(connection, charge.id(),
                backoff(charge.attempts()), failure.getMessage())).replaceWith(Result.RETRYING);
    }

    /** {@code first-retry-delay × 2^(attempts-1)}, at most {@code max-retry-delay}. */
    Duration backoff(int attempts) {
        Duration delay = settings.firstRetryDelay();
        for (int i = 1; i < attempts && delay.compareTo(settings.maxRetryDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(settings.maxRetryDelay()) > 0 ? settings.maxRetryDelay() : delay;
    }

    /**
     * Credits a succeeded PaymentIntent once and marks its charge succeeded, in one transaction: the
     * charger and the webhook both come here, in any order and any number of times.
     */
    public Uni<LedgerEntryRow> credit(UUID chargeId, UUID userId, int amountCents, String paymentIntentId) {
        String key = "auto_topup:" + paymentIntentId;
        ObjectNode metadata = CreditsJson.object().put("payment_intent", paymentIntentId)
                .put("auto_top_up_charge_id", chargeId.toString()).put("amount_cents", amountCents).put("currency", "usd");
        return db.inTransaction(Actor.service(), connection -> ledger
                .insertKeyed(connection, userId, BigDecimal.valueOf(amountCents), AUTO_TOPUP, key, null, metadata)
                .chain(inserted -> inserted != null ? Uni.createFrom().item(inserted) : ledger.byIdempotencyKey(connection, key))
                .call(entry -> charges.succeeded(connection, chargeId, paymentIntentId, entry.id())));
    }
}
