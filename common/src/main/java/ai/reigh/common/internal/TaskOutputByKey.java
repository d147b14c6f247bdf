package ai.reigh.common.internal;

import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * tasks-service → storage-service, completing {@code taskId} with a storage_path: the object under
 * {@code key} in the task-output bucket becomes ready if it is an upload of this task (checked like any
 * confirmation), or is answered as it is if it is already one of the owner's ready objects.
 */
public record TaskOutputByKey(@NotNull UUID taskId, @NotNull UUID ownerId, @NotBlank @Size(max = 300) String key) {
}
