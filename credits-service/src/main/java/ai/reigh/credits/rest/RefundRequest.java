package ai.reigh.credits.rest;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** {@code POST /v1/admin/credits/refunds}: {@code amount} defaults to the whole spend. */
public record RefundRequest(
        @NotNull UUID ledgerEntryId,
        @NotBlank @Size(max = 500) String reason,
        @CreditAmount(positiveOnly = true, message = "must be a positive amount of at most 10000000 credits with at most 3 decimals")
        BigDecimal amount) {
}
