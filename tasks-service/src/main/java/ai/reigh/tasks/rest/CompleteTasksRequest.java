package ai.reigh.tasks.rest;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/workers/tasks/complete}: the completions of up to 50 distinct tasks the worker holds,
 * each as {@code POST /v1/workers/tasks/{id}/complete} takes it, with its {@code task_id}.
 */
public record CompleteTasksRequest(@NotNull @Size(min = 1, max = 50) List<@NotNull @Valid TaskCompletion> completions) {

    /** One task's completion: exactly one of {@code output_location} and {@code object_id}. */
    public record TaskCompletion(
            @NotNull UUID taskId,
            @NotNull UUID leaseToken,
            @Size(min = 1, max = 2048) String outputLocation,
            UUID objectId,
            @Size(max = 2048) String thumbnailUrl,
            JsonNode resultData) {
    }
}
