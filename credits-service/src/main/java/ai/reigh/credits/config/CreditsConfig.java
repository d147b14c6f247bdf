package ai.reigh.credits.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** credits-service's own settings ({@code reigh.credits.*}); defaults in application.properties. */
@ConfigMapping(prefix = "reigh.credits")
public interface CreditsConfig {
    /**
     * The development webhook secret: public (it is in this repository), so accepted only where
     * {@code reigh.credits.stripe.allow-dev-secret=true} says so (./reigh up, the tests).
     */
    String DEV_WEBHOOK_SECRET = "whsec_reigh_dev_only";

    Stripe stripe();

    interface Stripe {
        /**
         * The endpoint's signing secret from the Stripe dashboard ({@code whsec_...}), used as the HMAC key.
         * No default: without it the webhook answers 503 (service.StripeWebhookSecret).
         */
        Optional<String> webhookSecret();

        /** Whether the public development secret may verify deliveries: only ./reigh up and the tests say so. */
        @WithDefault("false")
        boolean allowDevSecret();

        /** How far a signature's timestamp may be from now (replays of old deliveries are refused). */
        @WithDefault("300")
        long toleranceSeconds();

        /**
         * The secret API key ({@code sk_live_...}) that creates Checkout sessions, customers and
         * auto top-up charges; from a Secret ({@code REIGH_CREDITS_STRIPE_SECRET_KEY}). No default: without
         * it, buying credits and auto top-up answer 503 and no card is ever charged. Never logged.
         */
        Optional<String> secretKey();

        /** Where Stripe's API is ({@code https://api.stripe.com}; tests point it at a local fake). */
        @WithDefault("https://api.stripe.com")
        String apiBase();

        /** Every call to Stripe gives up after this (then it is retried: every POST has an idempotency key). */
        @WithDefault("PT10S")
        Duration timeout();

        /** Where Checkout sends the buyer back; {CHECKOUT_SESSION_ID} is Stripe's placeholder. */
        @WithDefault("http://localhost:5173/payments/success?session_id={CHECKOUT_SESSION_ID}")
        String successUrl();

        @WithDefault("http://localhost:5173/payments/cancel")
        String cancelUrl();
    }

    Checkout checkout();

    /** Credits bought through Checkout: 1 credit = 1 US cent, as the webhook credits them. */
    interface Checkout {
        @WithDefault("500")
        int minAmountCents();

        @WithDefault("10000")
        int maxAmountCents();
    }

    AutoTopUp autoTopUp();

    /**
     * Auto top-up: when a spend takes the balance under the user's threshold, their saved card is
     * charged {@code amount_cents} (credited as that many credits), at most once per {@code window}.
     */
    interface AutoTopUp {
        @WithDefault("500")
        int minAmountCents();

        @WithDefault("10000")
        int maxAmountCents();

        /** The threshold, in credits, is at least this (and below the amount). */
        @WithDefault("100")
        int minThresholdCredits();

        /** A user's card is charged at most once in this window, whatever the number of crossings. */
        @WithDefault("PT1H")
        Duration window();

        /** The charger's schedule (Quarkus syntax); {@code off} disables it (tests drive it). */
        @WithDefault("5s")
        String interval();

        /** Whether a decision made by a charge starts the charger at once (besides the schedule). */
        @WithDefault("true")
        boolean chargeAfterDecision();

        /** Charges one run of the charger claims. */
        @WithDefault("20")
        int batchSize();

        /** Calls to Stripe per charge, then it is failed (a timed-out charge that did go through is still credited by the webhook). */
        @WithDefault("5")
        int maxAttempts();

        @WithDefault("PT2S")
        Duration firstRetryDelay();

        /** Retries back off, doubling, up to this; attempts stay well inside Stripe's 24 h idempotency window. */
        @WithDefault("PT5M")
        Duration maxRetryDelay();

        /** A claimed charge is invisible to other chargers this long: longer than a call to Stripe can take. */
        @WithDefault("PT1M")
        Duration claimDuration();
    }
}
