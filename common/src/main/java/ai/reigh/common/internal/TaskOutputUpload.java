package ai.reigh.common.internal;

import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * tasks-service → storage-service: an upload URL for an output of {@code taskId} (owned by
 * {@code ownerId}) whose size nobody declared (the deployed fleet's generate-upload-url). The type is the
 * declared one when the task-output bucket accepts it, else the one the file name implies.
 */
public record TaskOutputUpload(@NotNull UUID taskId, @NotNull UUID ownerId, @NotBlank @Size(max = 255) String filename,
        @NotBlank @Size(max = 255) String contentType) {
}
