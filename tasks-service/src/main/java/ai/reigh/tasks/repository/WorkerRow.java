package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.UUID;

/** A worker as the admin view shows it. */
public record WorkerRow(String id, UUID userId, String status, String currentModel, Integer vramTotalMb,
        Integer vramUsedMb, Instant lastHeartbeat, double heartbeatAgeSeconds, long tasksInProgress,
        Instant nextLeaseExpiresAt, Instant createdAt) {
}
