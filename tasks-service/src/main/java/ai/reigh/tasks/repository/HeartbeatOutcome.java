package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The named tasks whose leases were renewed, those cancelled while this worker held them, and the new expiry. */
public record HeartbeatOutcome(List<UUID> renewed, List<UUID> cancelled, Instant leaseExpiresAt) {
}
