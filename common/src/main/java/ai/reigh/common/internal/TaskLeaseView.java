package ai.reigh.common.internal;

import java.time.Instant;
import java.util.UUID;

/** A task whose lease the presented token currently holds (else tasks-service answers 409 lease_lost). */
public record TaskLeaseView(UUID taskId, UUID userId, UUID projectId, Instant leaseExpiresAt) {
}
