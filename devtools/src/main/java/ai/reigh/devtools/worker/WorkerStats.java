package ai.reigh.devtools.worker;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** What the workers did, counted as it happens (read by the progress line and the final summary). */
public final class WorkerStats {
    private static final int ERROR_SAMPLES = 20;
    final AtomicLong claimed = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failedReported = new AtomicLong();
    final AtomicLong crashes = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicLong leasesLost = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong bytesUploaded = new AtomicLong();
    /** The first few errors in words, so that a run that counted errors can say which. */
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private final long startedAtNanos = System.nanoTime();

    public long claimed() {
        return claimed.get();
    }

    public long completed() {
        return completed.get();
    }

    public long failedReported() {
        return failedReported.get();
    }

    public long crashes() {
        return crashes.get();
    }

    public long cancelled() {
        return cancelled.get();
    }

    public long leasesLost() {
        return leasesLost.get();
    }

    public long errors() {
        return errors.get();
    }

    /** Counts an error (anything but success and a lost lease) and keeps its words if it is among the first few. */
    void error(String what) {
        if (errors.incrementAndGet() <= ERROR_SAMPLES) {
            errorSamples.add(what);
        }
    }

    /** The first errors counted, in words (at most {@value #ERROR_SAMPLES}). */
    public List<String> errorSamples() {
        return List.copyOf(errorSamples);
    }

    /** Tasks this run has finished one way or another (completed, reported failed, or cancelled). */
    public long finished() {
        return completed.get() + failedReported.get() + cancelled.get();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startedAtNanos) / 1e9;
    }

    public String summary() {
        double seconds = Math.max(0.001, elapsedSeconds());
        return String.format("claimed %d, completed %d (%.1f/s), failed %d, cancelled %d, crashed %d, leases lost %d,"
                + " errors %d, uploaded %.1f MB in %.1f s", claimed(), completed(), completed() / seconds,
                failedReported(), cancelled(), crashes(), leasesLost(), errors(), bytesUploaded.get() / 1e6, seconds);
    }
}
