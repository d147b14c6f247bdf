package ai.reigh.tasks.repository;

import java.util.UUID;

/** A task a maintenance statement moved, and where it went. */
public record Ended(UUID id, String status) {
}
