package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A {@code shot_generations} row: {@code position} is a frame on the shot's timeline, null = in the
 * shot but not on the timeline; {@code metadata} holds the pair's prompts and overrides.
 */
public record ShotLinkRow(UUID id, UUID shotId, UUID generationId, Integer position, JsonNode metadata,
        Instant createdAt, Instant updatedAt) {
}
