package ai.reigh.tasks.rest;

import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** {@code POST /v1/workers/tasks/{id}/fail}. */
public record FailRequest(
        @NotNull UUID leaseToken,
        @NotBlank @Size(max = 4000) String error,
        @NotNull Boolean retryable) {
}
