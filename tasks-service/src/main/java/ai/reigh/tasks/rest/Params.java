package ai.reigh.tasks.rest;

import java.util.UUID;

import ai.reigh.common.error.ProblemException;

/** Query parameters read by hand, so that a malformed one is a 400 naming it (not a 404). */
final class Params {
    private Params() {
    }

    static UUID uuid(String name, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                throw ProblemException.validation(name, "is required");
            }
            return null;
        }
        try {
            if (value.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.validation(name, "must be a UUID");
        }
    }

    /** Both the header and the body may carry the key; when both do they must agree. */
    static String idempotencyKey(String header, String body) {
        if (header != null && (header.isEmpty() || header.length() > 200)) {
            throw ProblemException.validation("Idempotency-Key", "must be 1 to 200 characters");
        }
        if (header != null && body != null && !header.equals(body)) {
            throw ProblemException.validation("idempotency_key", "differs from the Idempotency-Key header");
        }
        return header != null ? header : body;
    }
}
