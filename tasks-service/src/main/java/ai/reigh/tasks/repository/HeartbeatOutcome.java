package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code registered} false: the worker id belongs to another owner and nothing was written. */
public record HeartbeatOutcome(boolean registered, List<UUID> renewed, List<UUID> cancelled, Instant leaseExpiresAt) {
}
