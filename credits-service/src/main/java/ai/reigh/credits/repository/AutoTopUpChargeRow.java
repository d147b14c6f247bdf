package ai.reigh.credits.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** One charge of a saved card (see V2_33 for the states). */
public record AutoTopUpChargeRow(UUID id, UUID userId, String status, int amountCents, BigDecimal balanceAtDecision,
        BigDecimal thresholdCredits, String stripeCustomerId, String stripePaymentMethodId, String paymentIntentId,
        int attempts, String lastError, UUID ledgerEntryId, Instant decidedAt, Instant settledAt) {
    public static final String PENDING = "pending";
    public static final String CHARGING = "charging";
    public static final String PROCESSING = "processing";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
}
