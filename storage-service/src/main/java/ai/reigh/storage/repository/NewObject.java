package ai.reigh.storage.repository;

import java.time.Instant;
import java.util.UUID;

/** A pending object about to be recorded (its key already built by the server). */
public record NewObject(UUID id, UUID ownerId, String bucket, String key, String kind, String contentType,
        long sizeBytes, String filename, UUID taskId, Instant expiresAt) {
}
