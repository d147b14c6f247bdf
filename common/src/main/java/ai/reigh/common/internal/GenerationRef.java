package ai.reigh.common.internal;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What the caller of {@code POST /internal/v1/generations} needs back: which row holds the result. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerationRef(UUID id, UUID taskId, UUID projectId) {
}
