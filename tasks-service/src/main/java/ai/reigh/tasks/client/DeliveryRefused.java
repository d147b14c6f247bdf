package ai.reigh.tasks.client;

/**
 * A receiver refused a delivery (a 4xx other than 408 and 429): retrying the same payload on its own
 * cannot succeed, so the relay parks the row for an admin. The message carries the receiver's status,
 * problem code and detail. Not counted as a failure by the circuit breakers.
 */
public class DeliveryRefused extends RuntimeException {
    private final int status;

    public DeliveryRefused(int status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
