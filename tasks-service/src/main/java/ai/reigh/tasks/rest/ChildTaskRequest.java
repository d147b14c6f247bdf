package ai.reigh.tasks.rest;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code POST /v1/workers/tasks}: a sub-task of the orchestrator whose lease the worker holds. */
public record ChildTaskRequest(
        @NotNull UUID parentTaskId,
        @NotNull UUID leaseToken,
        @NotBlank @Size(max = 64) String taskType,
        JsonNode params,
        @Size(max = 50) List<@NotNull UUID> dependantOn,
        @Size(min = 1, max = 200) String idempotencyKey) {
}
