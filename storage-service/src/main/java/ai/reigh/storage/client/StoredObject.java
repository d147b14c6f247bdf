package ai.reigh.storage.client;

import java.time.Instant;

/** What the store says about an object (a HEAD). */
public record StoredObject(long sizeBytes, String contentType, String etag, Instant lastModified) {
}
