package ai.reigh.credits.repository;

import java.time.Instant;
import java.util.UUID;

/** A Checkout session the backend created (or is creating: no Stripe id and URL yet). */
public record CheckoutSessionRow(UUID id, UUID userId, String mode, Integer amountCents, String requestHash,
        String stripeSessionId, String url, Instant createdAt) {
    public static final String PAYMENT = "payment";
    public static final String SETUP = "setup";

    public boolean created() {
        return url != null;
    }
}
