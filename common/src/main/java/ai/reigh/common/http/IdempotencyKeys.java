package ai.reigh.common.http;

import ai.reigh.common.error.ProblemException;

/**
 * The idempotency key of a create: the {@code Idempotency-Key} header or the body's
 * {@code idempotency_key} (both: they must agree), 1 to 200 characters. A replay of the same request
 * with the same key answers the first result (200); another request with the key is a 409
 * {@code idempotency_key_reused}.
 */
public final class IdempotencyKeys {
    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_LENGTH = 200;

    private IdempotencyKeys() {
    }

    /** The key, or null when the request has none. */
    public static String resolve(String header, String body) {
        if (header != null && (header.isEmpty() || header.length() > MAX_LENGTH)) {
            throw ProblemException.validation(HEADER, "must be 1 to " + MAX_LENGTH + " characters");
        }
        if (body != null && (body.isEmpty() || body.length() > MAX_LENGTH)) {
            throw ProblemException.validation("idempotency_key", "must be 1 to " + MAX_LENGTH + " characters");
        }
        if (header != null && body != null && !header.equals(body)) {
            throw ProblemException.validation("idempotency_key", "differs from the Idempotency-Key header");
        }
        return header != null ? header : body;
    }
}
