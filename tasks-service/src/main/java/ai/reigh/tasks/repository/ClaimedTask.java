package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A task handed to a worker by a claim, with its fresh lease. */
public record ClaimedTask(UUID id, String taskType, JsonNode params, UUID projectId, UUID parentTaskId, int attempt,
        UUID leaseToken, Instant leaseExpiresAt, Instant createdAt, String modelName) {
}
