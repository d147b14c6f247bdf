package ai.reigh.credits.service;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.credits.config.CreditsConfig;
import ai.reigh.credits.repository.AutoTopUpChargeRepository;
import ai.reigh.credits.repository.AutoTopUpRepository;
import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.LedgerRepository;
import ai.reigh.credits.repository.UserRepository;
import io.smallrye.mutiny.Uni;

/**
 * Credits bought through Stripe Checkout. Only a signed {@code checkout.session.completed} whose
 * {@code payment_status} is {@code paid} credits anything; every other event is acknowledged.
 *
 * <p>Who and how much come from the session our checkout created: the user is
 * {@code client_reference_id} (or {@code metadata.user_id}), the credits are {@code amount_total}
 * in US cents (1 credit = 1 cent, so what was paid after discounts). One {@code stripe} entry per
 * session id (key {@code stripe:{session}}): Stripe's retries and replays find it and write nothing.
 *
 * <p>A paid session that cannot be credited (no user id, another currency, an amount out of range)
 * is answered 422, not acknowledged: Stripe then keeps retrying and reports the failing endpoint,
 * so a payment is never silently dropped.
 */
@ApplicationScoped
public class StripeWebhookService {
    private static final Logger LOG = Logger.getLogger(StripeWebhookService.class);
    static final String CHECKOUT_COMPLETED = "checkout.session.completed";
    static final String SETUP_SUCCEEDED = "setup_intent.succeeded";
    static final String PAYMENT_SUCCEEDED = "payment_intent.succeeded";
    static final String PAYMENT_FAILED = "payment_intent.payment_failed";
    static final String STRIPE = "stripe";
    private static final Pattern STRIPE_ID = Pattern.compile("[A-Za-z0-9_]{1,255}");
    private static final BigDecimal MAX_CREDITS = TaskPricing.MAX_CHARGE;

    private final Db db;
    private final UserRepository users;
    private final LedgerRepository ledger;
    private final CreditsConfig config;
    private final StripeWebhookSecret secret;
    private final ObjectMapper json;
    private final AutoTopUpRepository autoTopUps;
    private final AutoTopUpChargeRepository charges;
    private final AutoTopUpCharger charger;

    public StripeWebhookService(Db db, UserRepository users, LedgerRepository ledger, CreditsConfig config,
            StripeWebhookSecret secret, ObjectMapper json, AutoTopUpRepository autoTopUps,
            AutoTopUpChargeRepository charges, AutoTopUpCharger charger) {
        this.db = db;
        this.users = users;
        this.ledger = ledger;
        this.config = config;
        this.secret = secret;
        this.json = json;
        this.autoTopUps = autoTopUps;
        this.charges = charges;
        this.charger = charger;
    }

    public Uni<StripeOutcome> handle(String signatureHeader, byte[] payload) {
        // Before the signature is even read: without a usable secret nothing can be verified (503).
        StripeSignature.verify(signatureHeader, payload, secret.require(), config.stripe().toleranceSeconds(),
                Instant.now());
        JsonNode event = parse(payload);
        String type = event.path("type").asText("");
        JsonNode object = event.path("data").path("object");
        if (SETUP_SUCCEEDED.equals(type) && isAutoTopUp(object)) {
            return cardSaved(object);
        }
        if ((PAYMENT_SUCCEEDED.equals(type) || PAYMENT_FAILED.equals(type)) && isAutoTopUp(object)) {
            return autoTopUpSettled(type, object);
        }
        if (!CHECKOUT_COMPLETED.equals(type)) {
            return Uni.createFrom().item(StripeOutcome.ignored("event type " + type + " moves no credits"));
        }
        JsonNode session = event.path("data").path("object");
        String sessionId = stripeId(session.path("id"), "data.object.id");
        if (!"paid".equals(session.path("payment_status").asText(""))) {
            return Uni.createFrom().item(StripeOutcome.ignored("session " + sessionId + " is not paid"));
        }
        UUID userId = userOf(session, sessionId);
        BigDecimal credits = creditsOf(session, sessionId);
        ObjectNode metadata = CreditsJson.object().put("stripe_session_id", sessionId)
                .put("stripe_event_id", optionalStripeId(event.path("id")))
                .put("amount_total", credits.longValueExact()).put("currency", "usd")
                .put("payment_intent", optionalStripeId(session.path("payment_intent")));
        String email = firstText(session.path("customer_details").path("email"), session.path("customer_email"));
        String key = "stripe:" + sessionId;
        return db.inTransaction(Actor.service(), connection -> users.ensure(connection, userId, email)
                .chain(() -> ledger.insertKeyed(connection, userId, credits, STRIPE, key, null, metadata))
                .chain(inserted -> inserted != null
                        ? Uni.createFrom().item(new StripeOutcome(StripeOutcome.CREDITED, inserted.id(), null))
                        : ledger.byIdempotencyKey(connection, key).map(existing -> new StripeOutcome(
                                StripeOutcome.DUPLICATE, existing.id(), "session " + sessionId + " was already credited"))));
    }

    private static boolean isAutoTopUp(JsonNode object) {
        return AutoTopUpCharger.PURPOSE.equals(object.path("metadata").path("purpose").asText(""));
    }

    /**
     * {@code setup_intent.succeeded} of our setup session: the card becomes the user's auto top-up
     * card, only if the SetupIntent's customer is the one made for that user (a signed event of another
     * customer naming this user saves nothing).
     */
    private Uni<StripeOutcome> cardSaved(JsonNode intent) {
        String intentId = stripeId(intent.path("id"), "data.object.id");
        UUID userId = metadataUser(intent, intentId);
        String customer = optionalStripeId(intent.path("customer"));
        String paymentMethod = optionalStripeId(intent.path("payment_method"));
        if (customer == null || paymentMethod == null || !customer.startsWith("cus_") || !paymentMethod.startsWith("pm_")) {
            return Uni.createFrom().item(StripeOutcome.ignored("setup intent " + intentId + " has no customer and card"));
        }
        return db.inTransaction(Actor.service(), connection -> autoTopUps.saveCard(connection, userId, customer, paymentMethod))
                .map(saved -> {
                    if (saved == null) {
                        LOG.warnf("setup intent %s names user %s but not their Stripe customer: no card saved", intentId,
                                userId);
                        return StripeOutcome.ignored("setup intent " + intentId + " is not of the user's customer");
                    }
                    return new StripeOutcome(StripeOutcome.CARD_SAVED, null, null);
                });
    }

    /**
     * The PaymentIntent of an auto top-up charge settled at Stripe: succeeded credits it (once per
     * PaymentIntent, whether the charger got there first or not); failed records the failure.
     */
    private Uni<StripeOutcome> autoTopUpSettled(String type, JsonNode intent) {
        String paymentIntentId = stripeId(intent.path("id"), "data.object.id");
        UUID chargeId = uuidOrNull(intent.path("metadata").path("auto_top_up_charge_id").asText(null));
        if (chargeId == null) {
            return Uni.createFrom().item(StripeOutcome.ignored("payment intent " + paymentIntentId + " names no charge"));
        }
        return db.inTransaction(Actor.service(), connection -> charges.find(connection, chargeId)).chain(charge -> {
            if (charge == null || !charge.userId().toString().equals(intent.path("metadata").path("user_id").asText(""))) {
                LOG.warnf("payment intent %s names charge %s, which is not its user's", paymentIntentId, chargeId);
                return Uni.createFrom().item(StripeOutcome.ignored("payment intent " + paymentIntentId + " matches no charge"));
            }
            if (PAYMENT_FAILED.equals(type)) {
                String why = intent.path("last_payment_error").path("message").asText("the payment failed");
                return db.inTransaction(Actor.service(), connection -> charges.failed(connection, chargeId,
                        "Stripe: " + why, paymentIntentId)).map(failed -> new StripeOutcome(StripeOutcome.RECORDED, null, null));
            }
            boolean alreadyCredited = charge.ledgerEntryId() != null;
            return charger.credit(chargeId, charge.userId(), charge.amountCents(), paymentIntentId)
                    .map(entry -> new StripeOutcome(alreadyCredited ? StripeOutcome.DUPLICATE : StripeOutcome.CREDITED,
                            entry.id(), null));
        });
    }

    private static UUID metadataUser(JsonNode object, String objectId) {
        UUID userId = uuidOrNull(object.path("metadata").path("user_id").asText(null));
        if (userId == null) {
            throw ProblemException.unprocessable(CreditsErrors.UNCREDITABLE_PAYMENT, objectId + " names no user.");
        }
        return userId;
    }

    private static UUID uuidOrNull(String candidate) {
        try {
            return candidate != null && candidate.length() == 36 ? UUID.fromString(candidate) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private JsonNode parse(byte[] payload) {
        try {
            JsonNode event = json.readTree(payload);
            if (event == null || !event.isObject()) {
                throw ProblemException.badRequest(ErrorCode.MALFORMED_JSON, "The event is not a JSON object.");
            }
            return event;
        } catch (IOException e) {
            throw ProblemException.badRequest(ErrorCode.MALFORMED_JSON, "The event is not valid JSON.");
        }
    }

    private static String stripeId(JsonNode value, String field) {
        if (!value.isTextual() || !STRIPE_ID.matcher(value.asText()).matches()) {
            throw ProblemException.validation(field, "must be a Stripe object id");
        }
        return value.asText();
    }

    /** Kept for the record when it looks like a Stripe id; anything else is not stored. */
    private static String optionalStripeId(JsonNode value) {
        return value.isTextual() && STRIPE_ID.matcher(value.asText()).matches() ? value.asText() : null;
    }

    private static UUID userOf(JsonNode session, String sessionId) {
        String candidate = firstText(session.path("client_reference_id"), session.path("metadata").path("user_id"));
        try {
            if (candidate != null && candidate.length() == 36) {
                return UUID.fromString(candidate);
            }
        } catch (IllegalArgumentException e) {
            // Falls through to the refusal below: the id is not ours.
        }
        throw uncreditable(sessionId, "has no user id in client_reference_id or metadata.user_id");
    }

    private static BigDecimal creditsOf(JsonNode session, String sessionId) {
        JsonNode amount = session.path("amount_total");
        if (!"usd".equalsIgnoreCase(session.path("currency").asText(""))) {
            throw uncreditable(sessionId, "is not in USD");
        }
        if (!amount.isIntegralNumber() || amount.decimalValue().signum() <= 0
                || amount.decimalValue().compareTo(MAX_CREDITS) > 0) {
            throw uncreditable(sessionId, "has no amount_total in 1.." + MAX_CREDITS.toPlainString() + " cents");
        }
        return amount.decimalValue();
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return null;
    }

    private static ProblemException uncreditable(String sessionId, String why) {
        LOG.warnf("Stripe session %s was paid but cannot be credited: it %s", sessionId, why);
        return ProblemException.unprocessable(CreditsErrors.UNCREDITABLE_PAYMENT,
                "Checkout session " + sessionId + " " + why + ".");
    }
}
