package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

public record ProjectRow(UUID id, UUID userId, String name, String aspectRatio, JsonNode settings, Instant createdAt) {
}
