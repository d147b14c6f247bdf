package ai.reigh.storage.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /v1/storage/uploads}. {@code filename} is kept (sanitised) as metadata only; the key is
 * built by the server.
 */
public record UploadRequest(
        @NotBlank @Size(max = 63) String bucket,
        @NotBlank @Size(max = 255) String contentType,
        @NotNull Long sizeBytes,
        @Size(max = 1024) String filename) {
}
