package ai.reigh.storage.rest;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code StorageObject}. {@code url} (ready objects only) is the public route for public buckets and a
 * short-lived presigned GET for private ones; {@code filename} is the client's name, sanitised.
 */
public record ObjectView(UUID id, String bucket, String key, UUID ownerId, long sizeBytes, String contentType,
        String status, String url, String filename, Instant createdAt) {
}
