package ai.reigh.storage.rest;

import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** {@code POST /v1/workers/uploads}: a task output, by the worker holding the task's lease. */
public record WorkerUploadRequest(
        @NotNull UUID taskId,
        @NotBlank @Size(max = 200) String leaseToken,
        @NotBlank @Size(max = 1024) String filename,
        @NotBlank @Size(max = 255) String contentType,
        @NotNull Long sizeBytes) {
}
