package ai.reigh.credits.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import ai.reigh.credits.config.CreditsConfig;

/** Which configured webhook secret may verify Stripe's deliveries (the rest is StripeWebhookUnconfiguredTest). */
class StripeWebhookSecretTest {

    @Test
    void aMissingOrBlankSecretIsUnusable() {
        assertThat(StripeWebhookSecret.whyUnusable(Optional.empty(), true)).hasValueSatisfying(
                why -> assertThat(why).contains("not set"));
        assertThat(StripeWebhookSecret.whyUnusable(Optional.of("   "), true)).isPresent();
    }

    @Test
    void theDevelopmentSecretIsUsableOnlyWhenAllowedExplicitly() {
        assertThat(StripeWebhookSecret.whyUnusable(Optional.of(CreditsConfig.DEV_WEBHOOK_SECRET), false))
                .hasValueSatisfying(why -> assertThat(why).contains("development"));
        assertThat(StripeWebhookSecret.whyUnusable(Optional.of(" " + CreditsConfig.DEV_WEBHOOK_SECRET + " "), false))
                .as("padding does not hide it").isPresent();
        assertThat(StripeWebhookSecret.whyUnusable(Optional.of(CreditsConfig.DEV_WEBHOOK_SECRET), true)).isEmpty();
    }

    @Test
    void anyOtherSecretIsUsable() {
        assertThat(StripeWebhookSecret.whyUnusable(Optional.of("whsec_3kT9fPq0v"), false)).isEmpty();
    }
}
