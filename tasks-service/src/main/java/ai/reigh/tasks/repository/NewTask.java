package ai.reigh.tasks.repository;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a creation inserts: validated, dependencies de-duplicated, the request hashed. {@code id}: the
 * id the creator chose (the fleet's orchestrators choose their children's), or null for a new one.
 */
public record NewTask(UUID id, UUID projectId, UUID userId, String taskType, JsonNode params, List<UUID> dependantOn,
        UUID parentTaskId, int maxAttempts, String idempotencyKey, String requestHash) {
}
