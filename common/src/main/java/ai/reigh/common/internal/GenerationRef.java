package ai.reigh.common.internal;

import java.util.UUID;

/** What the caller of {@code POST /internal/v1/generations} needs back: which row holds the result. */
public record GenerationRef(UUID id, UUID taskId, UUID projectId) {
}
