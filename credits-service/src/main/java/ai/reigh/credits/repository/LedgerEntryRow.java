package ai.reigh.credits.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** One {@code credits_ledger} row. */
public record LedgerEntryRow(UUID id, UUID userId, BigDecimal amount, String type, UUID taskId, UUID refundOf,
        String idempotencyKey, UUID createdBy, JsonNode metadata, Instant createdAt) {
}
