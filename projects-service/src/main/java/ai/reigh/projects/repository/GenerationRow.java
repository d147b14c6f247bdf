package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A generation as stored, with the counts of its variants (all, and not yet viewed). {@code url} and
 * {@code thumbnailUrl} are its primary variant's whenever it has variants (the database checks it).
 */
public record GenerationRow(UUID id, UUID projectId, String type, String url, String thumbnailUrl, UUID objectId,
        JsonNode params, JsonNode metadata, UUID taskId, List<UUID> tasks, String name, boolean starred, UUID basedOn,
        UUID parentGenerationId, boolean isChild, Integer childOrder, UUID pairShotGenerationId, UUID primaryVariantId,
        long variantCount, long unviewedVariantCount, String requestHash, Instant createdAt, Instant updatedAt) {

    public boolean hasVariants() {
        return variantCount > 0;
    }
}
