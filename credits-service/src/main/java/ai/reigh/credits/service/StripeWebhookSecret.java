package ai.reigh.credits.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import ai.reigh.common.error.ProblemException;
import ai.reigh.credits.config.CreditsConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Which secret, if any, verifies Stripe's deliveries. Usable means set, not blank, and not the
 * development secret unless {@code reigh.credits.stripe.allow-dev-secret} says so explicitly: that
 * secret is in this repository, so whoever read it could sign a delivery and mint credits. Without a
 * usable secret the webhook answers 503 {@code stripe_webhook_not_configured} (Stripe retries for days,
 * so nothing paid is lost once the secret is set) while the rest of the service keeps serving: a
 * missing webhook secret is no reason to take charges and balances out of their Service.
 */
@ApplicationScoped
public class StripeWebhookSecret {
    private static final Logger LOG = Logger.getLogger(StripeWebhookSecret.class);

    private final Optional<String> secret;
    private final Optional<String> unusableBecause;

    public StripeWebhookSecret(CreditsConfig config) {
        Optional<String> configured = config.stripe().webhookSecret();
        this.unusableBecause = whyUnusable(configured, config.stripe().allowDevSecret());
        this.secret = unusableBecause.isPresent() ? Optional.empty() : configured;
    }

    /** Why a configured secret cannot verify deliveries, or empty when it can. */
    static Optional<String> whyUnusable(Optional<String> configured, boolean allowDevSecret) {
        if (configured.isEmpty() || configured.get().isBlank()) {
            return Optional.of("reigh.credits.stripe.webhook-secret is not set");
        }
        if (configured.get().strip().equals(CreditsConfig.DEV_WEBHOOK_SECRET) && !allowDevSecret) {
            return Optional.of("reigh.credits.stripe.webhook-secret is the public development secret, "
                    + "and reigh.credits.stripe.allow-dev-secret is not true");
        }
        return Optional.empty();
    }

    /** The secret to verify a delivery with; 503 {@code stripe_webhook_not_configured} when there is none. */
    public String require() {
        return secret.orElseThrow(() -> new ProblemException(503, CreditsErrors.STRIPE_WEBHOOK_NOT_CONFIGURED,
                "Stripe webhook not configured",
                "This deployment has no Stripe webhook secret; deliveries are refused until it is set."));
    }

    void warn(@Observes StartupEvent started) {
        unusableBecause.ifPresent(why -> LOG.warnf("The Stripe webhook answers 503 stripe_webhook_not_configured: %s "
                + "(set REIGH_CREDITS_STRIPE_WEBHOOK_SECRET to the endpoint's signing secret, whsec_...).", why));
    }
}
