package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A row of {@code generation_variants}. */
public record VariantRow(UUID id, UUID generationId, UUID projectId, String url, String thumbnailUrl, UUID objectId,
        JsonNode params, String variantType, String name, boolean isPrimary, boolean starred, Instant viewedAt,
        UUID taskId, String requestHash, Instant createdAt, Instant updatedAt) {

    public static final String ORIGINAL = "original";

    public boolean isOriginal() {
        return ORIGINAL.equals(variantType);
    }
}
