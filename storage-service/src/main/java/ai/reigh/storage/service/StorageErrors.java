package ai.reigh.storage.service;

import java.time.Duration;
import java.util.List;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;

/** The problems storage-service answers beyond the common ones, with their stable codes. */
public final class StorageErrors {
    /** The upload window passed before the confirmation; the cleaner removes the upload. */
    public static final String UPLOAD_EXPIRED = "upload_expired";
    /** A direct upload's body ended before its declared length, or could not be read. */
    public static final String INCOMPLETE_BODY = "incomplete_body";
    public static final String RANGE_NOT_SATISFIABLE = "range_not_satisfiable";
    /** The caller already has as many unsized direct uploads running as it may. */
    public static final String TOO_MANY_UPLOADS = "too_many_uploads";
    /** A direct upload's body stalled or arrived below the minimum rate, and was cut. */
    public static final String UPLOAD_TOO_SLOW = "upload_too_slow";

    private StorageErrors() {
    }

    public static ProblemException objectNotFound() {
        return ProblemException.notFound("Object");
    }

    public static ProblemException quotaExceeded(long usedBytes, long requestedBytes, long quotaBytes) {
        return new ProblemException(413, ErrorCode.QUOTA_EXCEEDED, "Storage quota exceeded",
                "Storing " + requestedBytes + " more bytes would exceed your quota of " + quotaBytes + " bytes ("
                        + usedBytes + " used); delete objects first.");
    }

    public static ProblemException tooLarge(long maxBytes) {
        return ProblemException.payloadTooLarge("The object is larger than the limit of " + maxBytes + " bytes.");
    }

    public static ProblemException tooManyUploads(int perUser, Duration retryAfter) {
        return new ProblemException(429, TOO_MANY_UPLOADS, "Too many uploads",
                "You already have " + perUser + " uploads without a Content-Length running; wait for one to finish,"
                        + " or send a Content-Length.", List.of(), retryAfter);
    }

    public static ProblemException uploadTooSlow(String detail) {
        return new ProblemException(408, UPLOAD_TOO_SLOW, "Upload too slow", detail);
    }

    /** The stored bytes are not what was declared (or not there): the upload stays pending. */
    public static ProblemException uploadMismatch(String detail) {
        return ProblemException.conflict(ErrorCode.CONFLICT, detail);
    }
}
