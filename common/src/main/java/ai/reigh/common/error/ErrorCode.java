package ai.reigh.common.error;

/**
 * The stable machine codes of problem+json bodies. Clients switch on these, never on titles or
 * details, so a code once published is never renamed.
 */
public final class ErrorCode {
    public static final String VALIDATION_FAILED = "validation_failed";
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String UNKNOWN_FIELD = "unknown_field";
    public static final String INVALID_CURSOR = "invalid_cursor";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not_found";
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    public static final String NOT_ACCEPTABLE = "not_acceptable";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    public static final String CONFLICT = "conflict";
    public static final String IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused";
    public static final String INVALID_TRANSITION = "invalid_transition";
    public static final String LEASE_LOST = "lease_lost";
    public static final String DEPENDENCY_FAILED = "dependency_failed";
    public static final String INSUFFICIENT_CREDITS = "insufficient_credits";
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    public static final String QUOTA_EXCEEDED = "quota_exceeded";
    public static final String UNPROCESSABLE = "unprocessable";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String SERVICE_UNAVAILABLE = "service_unavailable";
    public static final String BAD_GATEWAY = "bad_gateway";
    public static final String INTERNAL_ERROR = "internal_error";

    private ErrorCode() {
    }
}
