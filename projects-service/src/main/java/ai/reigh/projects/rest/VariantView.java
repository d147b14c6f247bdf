package ai.reigh.projects.rest;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.projects.repository.VariantRow;

/**
 * A variant as its owner sees it. {@code task_id}: the task that produced it (null for the user's own);
 * {@code viewed_at}: when its owner first looked at it (null: new).
 */
public record VariantView(UUID id, UUID generationId, UUID projectId, String url, String thumbnailUrl, UUID objectId,
        JsonNode params, String variantType, String name, boolean isPrimary, boolean starred, Instant viewedAt,
        UUID taskId, Instant createdAt, Instant updatedAt) {

    static VariantView of(VariantRow row) {
        return new VariantView(row.id(), row.generationId(), row.projectId(), row.url(), row.thumbnailUrl(),
                row.objectId(), row.params(), row.variantType(), row.name(), row.isPrimary(), row.starred(),
                row.viewedAt(), row.taskId(), row.createdAt(), row.updatedAt());
    }
}
