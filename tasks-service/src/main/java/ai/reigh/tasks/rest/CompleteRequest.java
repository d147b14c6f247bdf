package ai.reigh.tasks.rest;

import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code POST /v1/workers/tasks/{id}/complete}: exactly one of {@code output_location} and {@code object_id}. */
public record CompleteRequest(
        @NotNull UUID leaseToken,
        @Size(min = 1, max = 2048) String outputLocation,
        UUID objectId,
        @Size(max = 2048) String thumbnailUrl,
        JsonNode resultData) {
}
