package ai.reigh.tasks.client;

/**
 * A receiver refused a delivery for good (a 4xx other than 408 and 429): retrying the same payload
 * cannot succeed. Not counted as a failure by the circuit breakers.
 */
public class DeliveryRejected extends RuntimeException {
    private final int status;

    public DeliveryRejected(int status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
