package ai.reigh.credits.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/** The development webhook secret is public (it is in the source): say so loudly outside dev and test. */
@ApplicationScoped
public class DevSecretWarning {
    private static final Logger LOG = Logger.getLogger(DevSecretWarning.class);

    void check(@Observes StartupEvent started, CreditsConfig config) {
        if (LaunchMode.current() == LaunchMode.NORMAL
                && CreditsConfig.DEV_WEBHOOK_SECRET.equals(config.stripe().webhookSecret())) {
            LOG.warn("reigh.credits.stripe.webhook-secret is the development default: set REIGH_CREDITS_STRIPE_WEBHOOK_SECRET "
                    + "to the endpoint's signing secret, or anyone can forge Stripe payments.");
        }
    }
}
