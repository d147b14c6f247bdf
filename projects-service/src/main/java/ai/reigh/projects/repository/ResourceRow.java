package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

public record ResourceRow(UUID id, UUID userId, String type, String name, String url, UUID objectId,
        JsonNode metadata, boolean isPublic, Instant createdAt) {
}
