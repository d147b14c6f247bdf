package ai.reigh.tasks.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.tasks.repository.TaskRow;

/** {@code Task} of API.md, plus {@code parent_task_id}, {@code max_attempts} and {@code run_after} (retry backoff). */
public record TaskView(UUID id, UUID projectId, String taskType, String status, JsonNode params, List<UUID> dependantOn,
        UUID parentTaskId, String outputLocation, String workerId, int attempts, int maxAttempts, String errorMessage,
        JsonNode resultData, Instant runAfter, Instant generationStartedAt, Instant generationProcessedAt,
        Instant createdAt, Instant updatedAt) {

    static TaskView of(TaskRow row) {
        return new TaskView(row.id(), row.projectId(), row.taskType(), row.status(), row.params(), row.dependantOn(),
                row.parentTaskId(), row.outputLocation(), row.workerId(), row.attempts(), row.maxAttempts(),
                row.errorMessage(), row.resultData(), row.runAfter(), row.generationStartedAt(),
                row.generationProcessedAt(), row.createdAt(), row.updatedAt());
    }
}
