package ai.reigh.common.internal;

import java.time.Instant;

/** A pending task output ({@code object.key} is the fleet's storage_path) and where to PUT its bytes, until when. */
public record TaskOutputTicket(StorageObjectView object, String uploadUrl, Instant expiresAt) {
}
