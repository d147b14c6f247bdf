package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

public record ShotRow(UUID id, UUID projectId, String name, int order, JsonNode settings, Instant createdAt) {
}
