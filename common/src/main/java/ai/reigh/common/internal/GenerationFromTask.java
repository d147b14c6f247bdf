package ai.reigh.common.internal;

import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The generation of a completed task. {@code type} comes from the task type's {@code content_type};
 * {@code metadata} carries the task's params. Linked to {@code shot_id} when given (positioned at the
 * end when {@code add_in_position}, else unpositioned). Idempotent on {@code task_id}.
 */
public record GenerationFromTask(
        @NotNull UUID taskId,
        @NotNull UUID projectId,
        @NotNull @Pattern(regexp = "image|video") String type,
        @NotBlank @Size(max = 2048) String url,
        @Size(max = 2048) String thumbnailUrl,
        UUID objectId,
        JsonNode metadata,
        UUID shotId,
        Boolean addInPosition) {
}
