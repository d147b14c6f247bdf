package ai.reigh.storage.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A client's body that must keep arriving. The time the reader spends waiting inside {@code read} is
 * measured, and a watchdog calling {@link #check} cuts the body when one read has waited longer than the
 * idle timeout, or when, after the reader has waited for the grace period in all, the bytes per second of
 * waiting are below the minimum. Only time spent waiting on the client counts: while the store is slow to
 * take the bytes, the client is not blamed.
 *
 * <p>Cutting interrupts the thread blocked in {@code read} (the request's stream waits interruptibly) and
 * makes that read, and every later one, fail with {@link StoreFailure} {@code TOO_SLOW}. The interrupt is
 * issued and cleared under one lock, so it never outlives the read it was meant for.
 */
public final class PacedInputStream extends FilterInputStream {
    /** How fast a body must arrive. */
    public record Pace(Duration idleTimeout, long minBytesPerSecond, Duration rateGrace) {
    }

    private final long idleNanos;
    private final long graceNanos;
    private final long minBytesPerSecond;
    private final Object lock = new Object();
    private long bytes;
    private long waitedNanos;
    private long readStartedAt = -1;
    private Thread reader;
    private String verdict;

    public PacedInputStream(InputStream in, Pace pace) {
        super(in);
        this.idleNanos = pace.idleTimeout().toNanos();
        this.graceNanos = pace.rateGrace().toNanos();
        this.minBytesPerSecond = pace.minBytesPerSecond();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        started();
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException failure) {
            finished(0);
            throw failure;
        }
        finished(Math.max(n, 0));
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * The watchdog's look at {@code nowNanos} ({@link System#nanoTime()}): true once the body has been cut
     * (it needs no further looks).
     */
    public boolean check(long nowNanos) {
        synchronized (lock) {
            if (verdict != null) {
                return true;
            }
            if (reader == null) {
                return false;
            }
            long waitingNow = nowNanos - readStartedAt;
            long waited = waitedNanos + waitingNow;
            if (waitingNow > idleNanos) {
                verdict = "No part of the body arrived for " + Duration.ofNanos(idleNanos).toMillis() + " ms.";
            } else if (waited >= graceNanos && bytes * 1_000_000_000L / waited < minBytesPerSecond) {
                verdict = "The body arrived at " + bytes * 1_000_000_000L / waited + " bytes per second, below the"
                        + " minimum of " + minBytesPerSecond + " bytes per second.";
            } else {
                return false;
            }
            reader.interrupt();
            return true;
        }
    }

    private void started() throws StoreFailure {
        synchronized (lock) {
            if (verdict != null) {
                throw tooSlow();
            }
            reader = Thread.currentThread();
            readStartedAt = System.nanoTime();
        }
    }

    private void finished(int read) throws StoreFailure {
        synchronized (lock) {
            waitedNanos += System.nanoTime() - readStartedAt;
            bytes += read;
            reader = null;
            readStartedAt = -1;
            if (verdict != null) {
                // This thread was interrupted to end its wait: the flag must not reach its next task.
                Thread.interrupted();
                throw tooSlow();
            }
        }
    }

    private StoreFailure tooSlow() {
        return new StoreFailure(StoreFailure.Reason.TOO_SLOW, verdict + " The upload was cut; send the body"
                + " without pauses, or use a presigned upload.");
    }
}
