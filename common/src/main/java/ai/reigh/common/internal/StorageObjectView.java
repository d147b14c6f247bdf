package ai.reigh.common.internal;

import java.time.Instant;
import java.util.UUID;

/**
 * A storage object as storage-service answers it. {@code url} is the public URL for public buckets
 * and a short-lived presigned GET for private ones; {@code taskId} the task it is an output of, if any.
 */
public record StorageObjectView(UUID id, String bucket, String key, UUID ownerId, long sizeBytes, String contentType,
        String status, String url, Instant createdAt, UUID taskId) {

    public boolean isReady() {
        return "ready".equals(status);
    }
}
