package ai.reigh.tasks.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code 200 {tasks:[…]}} of a claim; {@code attempt} is this claim's number (1 for the first). */
public record ClaimResponse(List<Claimed> tasks) {
    public record Claimed(UUID id, String taskType, JsonNode params, UUID projectId, UUID parentTaskId, int attempt,
            UUID leaseToken, Instant leaseExpiresAt) {
    }
}
