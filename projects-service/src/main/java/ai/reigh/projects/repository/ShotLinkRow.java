package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

/** A {@code shot_generations} row: {@code position} null = in the shot but not in the shot editor. */
public record ShotLinkRow(UUID id, UUID shotId, UUID generationId, Integer position, Instant createdAt) {
}
