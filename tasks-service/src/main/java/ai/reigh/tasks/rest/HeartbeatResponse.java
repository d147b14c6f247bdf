package ai.reigh.tasks.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code cancel_task_ids}: named tasks that were cancelled (stop them). {@code lost_task_ids} (an
 * addition): named tasks whose lease this worker no longer holds (taken back, reassigned or already
 * finished); nothing was renewed for them. {@code lease_expires_at}: the renewed leases' expiry.
 */
public record HeartbeatResponse(List<UUID> cancelTaskIds, List<UUID> lostTaskIds, Instant leaseExpiresAt,
        long heartbeatIntervalSeconds) {
}
