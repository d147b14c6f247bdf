package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An outbox row as an admin sees it. {@code next_attempt_at} is null unless the row is pending;
 * {@code replayed_at}/{@code replayed_by} are the last replay, {@code replays} how many there were.
 */
public record OutboxEntry(long id, UUID taskId, String kind, JsonNode payload, int attempts, String lastError,
        Instant createdAt, Instant nextAttemptAt, Instant parkedAt, Instant deliveredAt, Instant replayedAt,
        UUID replayedBy, int replays) {
    public static final String PARKED = "parked";
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";

    /** {@code delivered}, {@code parked} (refused, waiting for an admin) or {@code pending} (due, retrying or in flight). */
    public String state() {
        return deliveredAt != null ? DELIVERED : parkedAt != null ? PARKED : PENDING;
    }
}
