package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code aspect_ratio} null: the project's. {@code parentGenerationId}: the video generation its
 * segments hang from (null only after someone deleted it; made again on demand).
 */
public record ShotRow(UUID id, UUID projectId, String name, int order, JsonNode settings, String aspectRatio,
        UUID parentGenerationId, Instant createdAt) {
}
