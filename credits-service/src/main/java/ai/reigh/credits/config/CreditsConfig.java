package ai.reigh.credits.config;

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
    }
}
