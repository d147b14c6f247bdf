package ai.reigh.credits.rest;

import java.math.BigDecimal;

import jakarta.validation.constraints.NotNull;

/**
 * {@code PUT /v1/credits/auto-top-up}: on with an amount (US cents charged, credited as that many
 * credits) and a threshold (credits: a spend that leaves the balance under it charges the card), or off.
 */
public record AutoTopUpRequest(@NotNull Boolean enabled, Integer amountCents, BigDecimal thresholdCredits) {
}
