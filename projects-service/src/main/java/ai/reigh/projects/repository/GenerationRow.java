package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

public record GenerationRow(UUID id, UUID projectId, String type, String url, String thumbnailUrl, UUID objectId,
        JsonNode metadata, UUID taskId, String name, boolean starred, Instant createdAt) {
}
