package ai.reigh.credits.rest;

import java.math.BigDecimal;

/** {@code GET /v1/credits/balance}. */
public record BalanceView(BigDecimal totalCredits) {
}
