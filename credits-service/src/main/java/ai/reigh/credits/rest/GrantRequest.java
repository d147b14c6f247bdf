package ai.reigh.credits.rest;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /v1/admin/credits/grants}. A negative amount is an adjustment (refused with 422 when it
 * would take the balance below zero). The idempotency key may instead come as the
 * {@code Idempotency-Key} header (both: they must match).
 */
public record GrantRequest(
        @NotNull UUID userId,
        @NotNull @CreditAmount BigDecimal amount,
        @NotBlank @Size(max = 500) String reason,
        String idempotencyKey) {
}
