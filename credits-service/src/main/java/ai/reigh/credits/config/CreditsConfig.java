package ai.reigh.credits.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** credits-service's own settings ({@code reigh.credits.*}); defaults in application.properties. */
@ConfigMapping(prefix = "reigh.credits")
public interface CreditsConfig {
    /** The development default of the webhook secret: fine for ./reigh up and tests, never in production. */
    String DEV_WEBHOOK_SECRET = "whsec_reigh_dev_only";

    Stripe stripe();

    interface Stripe {
        /** The endpoint's signing secret from the Stripe dashboard ({@code whsec_...}), used as the HMAC key. */
        @WithDefault(DEV_WEBHOOK_SECRET)
        String webhookSecret();

        /** How far a signature's timestamp may be from now (replays of old deliveries are refused). */
        @WithDefault("300")
        long toleranceSeconds();
    }
}
