package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.UUID;

/** Who holds a task now (for storage-service's upload check). */
public record LeaseView(UUID taskId, UUID userId, UUID projectId, String status, UUID leaseToken,
        Instant leaseExpiresAt) {
}
