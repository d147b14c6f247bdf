package ai.reigh.storage.client;

/**
 * Why a transfer to the store did not happen, when it is not the store's fault: the client's body
 * ended early or broke, was longer than allowed, or arrived too slowly. Thrown from inside the body
 * being streamed, so that the caller can tell it from a store that is down.
 */
public class StoreFailure extends java.io.IOException {
    public enum Reason { CLIENT_BODY_BROKEN, TOO_LARGE, TOO_SLOW }

    private final Reason reason;

    public StoreFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The first {@link StoreFailure} in a cause chain, if any (clients wrap what the body threw). */
    public static StoreFailure in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StoreFailure found) {
                return found;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof StoreFailure found) {
                    return found;
                }
            }
        }
        return null;
    }
}
