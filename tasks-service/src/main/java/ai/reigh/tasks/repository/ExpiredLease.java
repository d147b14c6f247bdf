package ai.reigh.tasks.repository;

import java.util.UUID;

/** An In Progress task whose lease had expired when the reaper looked, and the lease it saw. */
public record ExpiredLease(UUID taskId, UUID leaseToken, int attempts, int maxAttempts, String workerId) {
}
