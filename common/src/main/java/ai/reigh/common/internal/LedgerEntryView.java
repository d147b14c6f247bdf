package ai.reigh.common.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A ledger entry as credits-service answers it (public API and internal charges alike). */
public record LedgerEntryView(UUID id, UUID userId, BigDecimal amount, String type, UUID taskId, JsonNode metadata,
        Instant createdAt) {
}
