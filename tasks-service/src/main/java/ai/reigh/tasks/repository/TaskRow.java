package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A task as the service reads it (the lease token stays inside the service: it is the worker's secret).
 * {@code awaitingChildrenSince}: an orchestrator handed to the platform to wait for its children.
 */
public record TaskRow(
        UUID id,
        UUID projectId,
        UUID userId,
        String taskType,
        String status,
        JsonNode params,
        List<UUID> dependantOn,
        UUID parentTaskId,
        String outputLocation,
        JsonNode resultData,
        String errorMessage,
        String workerId,
        int attempts,
        int maxAttempts,
        UUID leaseToken,
        Instant leaseExpiresAt,
        Instant runAfter,
        Instant generationStartedAt,
        Instant generationProcessedAt,
        String requestHash,
        String completionHash,
        Instant createdAt,
        Instant updatedAt,
        boolean isOrchestrator,
        Instant awaitingChildrenSince) {

    public boolean isTerminal() {
        return TaskStatus.isTerminal(status);
    }
}
