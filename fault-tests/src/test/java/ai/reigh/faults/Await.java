package ai.reigh.faults;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling with a deadline instead of fixed sleeps: a scenario waits exactly as long as the platform
 * needs, and a condition that is never reached fails with what was being waited for.
 */
final class Await {
    private static final long POLL_MILLIS = 200;

    private Await() {
    }

    /**
     * Polls {@code condition} until it holds; returns the seconds it took. A condition that throws
     * (a database that is down, a service restarting) counts as not yet reached.
     */
    static double until(String what, Duration timeout, BooleanSupplier condition) {
        return until(what, timeout, condition, () -> "");
    }

    /** The same, and a condition not reached in time says {@code whyNot} (what is still missing). */
    static double until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> whyNot) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (RuntimeException notYet) {
                last = notYet;
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError(what + ": not reached within " + timeout.toSeconds() + " s"
                        + detail(whyNot));
                if (last != null) {
                    failure.addSuppressed(last);
                }
                throw failure;
            }
            pause(POLL_MILLIS);
        }
    }

    private static String detail(Supplier<String> whyNot) {
        try {
            String detail = whyNot.get();
            return detail == null || detail.isEmpty() ? "" : "; " + detail;
        } catch (RuntimeException unavailable) {
            return "; (what is missing could not be read: " + unavailable + ")";
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
