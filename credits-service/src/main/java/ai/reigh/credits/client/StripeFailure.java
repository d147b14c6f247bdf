package ai.reigh.credits.client;

/**
 * A call to Stripe that did not succeed, by what the caller may do about it. {@code detail} is
 * Stripe's own error code and message (never a secret: Stripe does not echo keys) or the local cause.
 */
public final class StripeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The card was declined or needs its holder (a card_error, HTTP 402): retrying cannot help. */
        DECLINED,
        /** Stripe refused the request (another 4xx): retrying the same request cannot help. */
        REFUSED,
        /** Nothing conclusive: a timeout, a connection failure, 409 (a concurrent use of the key), 429, 5xx. */
        RETRYABLE
    }

    private final Kind kind;
    private final int status;

    public StripeFailure(Kind kind, int status, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** Stripe's HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return kind == Kind.RETRYABLE;
    }
}
