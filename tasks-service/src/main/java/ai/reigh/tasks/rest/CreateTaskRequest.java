package ai.reigh.tasks.rest;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/tasks}. Only these fields: {@code status}, {@code user_id}, {@code attempts}, … are
 * unknown fields (400). {@code params} defaults to {@code {}}.
 */
public record CreateTaskRequest(
        @NotNull UUID projectId,
        @NotBlank @Size(max = 64) String taskType,
        JsonNode params,
        @Size(max = 50) List<@NotNull UUID> dependantOn,
        @Size(min = 1, max = 200) String idempotencyKey) {
}
