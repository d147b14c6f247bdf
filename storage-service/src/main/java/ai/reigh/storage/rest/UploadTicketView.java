package ai.reigh.storage.rest;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A presigned upload: PUT the bytes to {@code upload_url} with every {@code upload_headers} entry
 * before {@code expires_at}, then confirm.
 */
public record UploadTicketView(UUID objectId, String bucket, String key, String uploadUrl, String uploadMethod,
        Map<String, String> uploadHeaders, Instant expiresAt) {
}
