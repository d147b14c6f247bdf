package ai.reigh.common.error;

import java.time.Duration;
import java.util.List;

/**
 * The one way a service says "this request cannot be done": thrown (or failed into a Uni) anywhere,
 * turned into problem+json by {@link ProblemMappers}. Carries no cause on purpose: the detail is
 * written for the caller.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;
    private final Duration retryAfter;

    public ProblemException(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of(), null);
    }

    public ProblemException(int status, String code, String title, String detail, List<FieldError> errors,
            Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public static ProblemException validation(String field, String message) {
        return validation(List.of(new FieldError(field, message)));
    }

    public static ProblemException validation(List<FieldError> errors) {
        return new ProblemException(400, ErrorCode.VALIDATION_FAILED, "Invalid request",
                "The request has invalid fields.", errors, null);
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, "Bad request", detail);
    }

    /** Missing, or someone else's: the two are indistinguishable on purpose. */
    public static ProblemException notFound(String what) {
        return new ProblemException(404, ErrorCode.NOT_FOUND, "Not found", what + " not found");
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, ErrorCode.FORBIDDEN, "Forbidden", detail);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, ErrorCode.UNAUTHORIZED, "Unauthorized", detail);
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(409, code, "Conflict", detail);
    }

    public static ProblemException unprocessable(String code, String detail) {
        return new ProblemException(422, code, "Unprocessable request", detail);
    }

    public static ProblemException payloadTooLarge(String detail) {
        return new ProblemException(413, ErrorCode.PAYLOAD_TOO_LARGE, "Payload too large", detail);
    }

    public static ProblemException rateLimited(Duration retryAfter) {
        return new ProblemException(429, ErrorCode.RATE_LIMITED, "Too many requests",
                "Rate limit reached; retry after " + Math.max(1, retryAfter.toSeconds()) + " s.", List.of(),
                retryAfter);
    }

    /** A dependency (database, another service, the object store) is down: retryable. */
    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, ErrorCode.SERVICE_UNAVAILABLE, "Service unavailable", detail, List.of(),
                Duration.ofSeconds(2));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public Problem toProblem() {
        return Problem.of(status, code, title, getMessage(), errors);
    }
}
