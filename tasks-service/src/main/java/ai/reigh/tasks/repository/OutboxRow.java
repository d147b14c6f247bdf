package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An outbox row reserved for delivery ({@code attempts} counts this delivery); {@code traceparent} is the
 * completing request's trace, which the delivery continues (null for rows of an older release).
 */
public record OutboxRow(long id, UUID taskId, String kind, JsonNode payload, int attempts, Instant createdAt,
        String traceparent) {
    public static final String GENERATION = "generation";
    public static final String CHARGE = "charge";
    /** Every kind the schema allows (task_outbox's CHECK). */
    public static final List<String> KINDS = List.of(GENERATION, CHARGE);
}
