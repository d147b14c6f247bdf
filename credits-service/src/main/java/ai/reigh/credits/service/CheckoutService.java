package ai.reigh.credits.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.CanonicalJson;
import ai.reigh.credits.client.StripeClient;
import ai.reigh.credits.client.StripeFailure;
import ai.reigh.credits.client.StripeForm;
import ai.reigh.credits.config.CreditsConfig;
import ai.reigh.credits.repository.AutoTopUpRepository;
import ai.reigh.credits.repository.AutoTopUpRow;
import ai.reigh.credits.repository.CheckoutSessionRepository;
import ai.reigh.credits.repository.CheckoutSessionRow;
import ai.reigh.credits.repository.UserRepository;
import io.smallrye.mutiny.Uni;

/**
 * Stripe Checkout sessions the backend creates for a signed-in user: to buy credits (mode payment:
 * the webhook credits {@code amount_total} cents as that many credits, once per session) and to save
 * a card for auto top-up (mode setup: the webhook's {@code setup_intent.succeeded} saves it).
 *
 * <p>Idempotent: the session's row is written first, in its own transaction; its id is the
 * Idempotency-Key of the call to Stripe, made outside any transaction; the answer completes the row.
 * The client's {@code Idempotency-Key} names the row, so a retried request — even after a crash
 * between the call and the answer — asks Stripe with the same key and gets the same session.
 */
@ApplicationScoped
public class CheckoutService {
    private final Db db;
    private final UserRepository users;
    private final CheckoutSessionRepository sessions;
    private final AutoTopUpRepository autoTopUps;
    private final StripeClient stripe;
    private final CreditsConfig config;

    public CheckoutService(Db db, UserRepository users, CheckoutSessionRepository sessions,
            AutoTopUpRepository autoTopUps, StripeClient stripe, CreditsConfig config) {
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.autoTopUps = autoTopUps;
        this.stripe = stripe;
        this.config = config;
    }

    /** A session and whether this request created it (201) or replayed an earlier one (200). */
    public record Session(CheckoutSessionRow row, boolean created) {
    }

    /** Credits for {@code amountCents} US cents (1 credit = 1 cent). */
    public Uni<Session> buyCredits(Caller caller, int amountCents, String idempotencyKey) {
        CreditsConfig.Checkout limits = config.checkout();
        if (amountCents < limits.minAmountCents() || amountCents > limits.maxAmountCents()) {
            throw ProblemException.validation("amount_cents",
                    "must be between " + limits.minAmountCents() + " and " + limits.maxAmountCents());
        }
        stripe.requireConfigured();
        ObjectNode request = CanonicalJson.object().put("mode", CheckoutSessionRow.PAYMENT).put("amount_cents", amountCents);
        return open(caller, CheckoutSessionRow.PAYMENT, amountCents, idempotencyKey, request,
                (row, customer) -> paymentForm(row, caller, customer));
    }

    /** A setup session that saves a card for auto top-up (the user's Stripe customer is made first). */
    public Uni<Session> saveCard(Caller caller, String idempotencyKey) {
        stripe.requireConfigured();
        ObjectNode request = CanonicalJson.object().put("mode", CheckoutSessionRow.SETUP);
        return open(caller, CheckoutSessionRow.SETUP, null, idempotencyKey, request,
                (row, customer) -> setupForm(row, caller, customer));
    }

    private interface FormOf {
        StripeForm of(CheckoutSessionRow row, String customerId);
    }

    private Uni<Session> open(Caller caller, String mode, Integer amountCents, String idempotencyKey,
            JsonNode request, FormOf form) {
        UUID userId = caller.requireUserId();
        String hash = CanonicalJson.sha256(request);
        return db.inTransaction(caller.asUser(), connection -> users.ensure(connection, userId, caller.email().orElse(null))
                .chain(() -> sessions.insert(connection, userId, mode, amountCents, idempotencyKey, hash))
                .chain(inserted -> inserted != null ? Uni.createFrom().item(new Session(inserted, true))
                        : sessions.byKey(connection, userId, idempotencyKey).map(existing -> {
                            if (existing == null) {
                                throw ProblemException.unavailable("The checkout could not be started; retry.");
                            }
                            if (!existing.requestHash().equals(hash)) {
                                throw CreditsErrors.idempotencyKeyReused();
                            }
                            return new Session(existing, false);
                        })))
                .chain(session -> session.row().created() ? Uni.createFrom().item(session)
                        : customerFor(caller, mode)
                                .chain(customer -> stripe.createCheckoutSession(form.of(session.row(), customer),
                                        "reigh-checkout-" + session.row().id()))
                                .onFailure(StripeFailure.class).transform(CheckoutService::problem)
                                .chain(answer -> db.inTransaction(caller.asUser(), connection -> sessions.complete(
                                        connection, session.row().id(), answer.path("id").asText(null),
                                        answer.path("url").asText(null))))
                                .map(completed -> new Session(completed, session.created())));
    }

    /**
     * The user's Stripe customer: made once (Idempotency-Key per user) for a setup session, reused by
     * purchases when it exists so the card saved for auto top-up and purchases share one customer.
     */
    private Uni<String> customerFor(Caller caller, String mode) {
        UUID userId = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> autoTopUps.find(connection, userId)).chain(existing -> {
            if (existing != null && existing.stripeCustomerId() != null) {
                return Uni.createFrom().item(existing.stripeCustomerId());
            }
            if (!CheckoutSessionRow.SETUP.equals(mode)) {
                return Uni.createFrom().nullItem();
            }
            StripeForm customer = new StripeForm().put("email", caller.email().orElse(null))
                    .put("metadata[user_id]", userId);
            return stripe.createCustomer(customer, "reigh-customer-" + userId)
                    .onFailure(StripeFailure.class).transform(CheckoutService::problem)
                    .chain(answer -> db.inTransaction(caller.asUser(),
                            connection -> autoTopUps.setCustomer(connection, userId, answer.path("id").asText())))
                    .map(AutoTopUpRow::stripeCustomerId);
        });
    }

    private StripeForm paymentForm(CheckoutSessionRow row, Caller caller, String customerId) {
        StripeForm form = base(row, caller).put("mode", "payment")
                .put("line_items[0][quantity]", 1)
                .put("line_items[0][price_data][currency]", "usd")
                .put("line_items[0][price_data][unit_amount]", row.amountCents())
                .put("line_items[0][price_data][product_data][name]", "Reigh credits")
                .put("line_items[0][price_data][product_data][description]", row.amountCents() + " credits");
        return customerId != null ? form.put("customer", customerId) : form.put("customer_email", caller.email().orElse(null));
    }

    private StripeForm setupForm(CheckoutSessionRow row, Caller caller, String customerId) {
        return base(row, caller).put("mode", "setup").put("currency", "usd").put("customer", customerId)
                .put("setup_intent_data[metadata][purpose]", AutoTopUpCharger.PURPOSE)
                .put("setup_intent_data[metadata][user_id]", caller.requireUserId());
    }

    private StripeForm base(CheckoutSessionRow row, Caller caller) {
        return new StripeForm().put("client_reference_id", caller.requireUserId())
                .put("metadata[user_id]", caller.requireUserId()).put("metadata[checkout_id]", row.id())
                .put("success_url", config.stripe().successUrl()).put("cancel_url", config.stripe().cancelUrl());
    }

    /** Stripe's refusal is our upstream's: 502; anything inconclusive is a 503 to retry (same key, same session). */
    static ProblemException problem(Throwable failure) {
        StripeFailure stripeFailure = (StripeFailure) failure;
        if (stripeFailure.retryable()) {
            return ProblemException.unavailable("Stripe did not answer conclusively; retry with the same Idempotency-Key.");
        }
        return new ProblemException(502, ai.reigh.common.error.ErrorCode.BAD_GATEWAY, "Bad gateway",
                "Stripe refused to create the session.");
    }
}
