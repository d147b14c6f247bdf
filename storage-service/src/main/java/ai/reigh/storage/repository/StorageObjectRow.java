package ai.reigh.storage.repository;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code storage_objects}. {@code bucket} is the logical (API) name. */
public record StorageObjectRow(UUID id, UUID ownerId, String bucket, String key, String kind, String contentType,
        long sizeBytes, String status, String filename, UUID taskId, Instant expiresAt, Instant createdAt,
        Instant confirmedAt, int deleteAttempts) {

    public static final String PENDING = "pending";
    public static final String READY = "ready";
    public static final String DELETING = "deleting";

    public boolean isReady() {
        return READY.equals(status);
    }

    public boolean isPending() {
        return PENDING.equals(status);
    }

    public boolean isDeleting() {
        return DELETING.equals(status);
    }
}
