package ai.reigh.credits.rest;

import jakarta.validation.constraints.NotNull;

/**
 * {@code POST /v1/credits/checkout}: how many US cents to pay (1 credit = 1 cent), and optionally the
 * idempotency key (or the {@code Idempotency-Key} header).
 */
public record CheckoutRequest(@NotNull Integer amountCents, String idempotencyKey) {
}
