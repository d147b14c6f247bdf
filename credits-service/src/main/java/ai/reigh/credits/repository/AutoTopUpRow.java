package ai.reigh.credits.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A user's auto top-up: the preference and the saved card (Stripe ids, never card data). */
public record AutoTopUpRow(UUID userId, boolean enabled, Integer amountCents, BigDecimal thresholdCredits,
        String stripeCustomerId, String stripePaymentMethodId, Instant setupCompletedAt, Instant updatedAt) {

    public boolean setUp() {
        return stripePaymentMethodId != null;
    }
}
