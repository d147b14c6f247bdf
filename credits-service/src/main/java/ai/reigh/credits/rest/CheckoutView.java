package ai.reigh.credits.rest;

import java.time.Instant;
import java.util.UUID;

import ai.reigh.credits.repository.CheckoutSessionRow;

/** A Checkout session to send the user to: {@code url} is Stripe's hosted page. */
public record CheckoutView(UUID id, String mode, Integer amountCents, String checkoutSessionId, String url,
        Instant createdAt) {
    static CheckoutView of(CheckoutSessionRow row) {
        return new CheckoutView(row.id(), row.mode(), row.amountCents(), row.stripeSessionId(), row.url(), row.createdAt());
    }
}
