package ai.reigh.common.background;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A background job run on request, one run at a time per instance: a request while a run is out makes
 * exactly one more run after it, however many came; requests never queue up runs.
 *
 * <p>With a {@code gather} window, a run starts that long after the request that called for it, so the
 * requests of that window share one run: an outbox relay woken by every completion then carries the
 * completions of a few milliseconds in one batch instead of one batch each (docs/performance.md).
 * Without one, a run starts at once. Either way it runs on a Vert.x context of its own.
 */
public final class CoalescedRuns {
    private final Vertx vertx;
    private final long gatherMillis;
    private final Supplier<Uni<?>> job;
    private final Consumer<Throwable> onFailure;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile boolean stopped;

    /**
     * @param gather how long a run waits for more requests before it starts (zero: at once)
     * @param onFailure told of a run that failed (the next request runs again all the same)
     */
    public CoalescedRuns(Vertx vertx, Duration gather, Supplier<Uni<?>> job, Consumer<Throwable> onFailure) {
        this.vertx = vertx;
        this.gatherMillis = gather.toMillis();
        this.job = job;
        this.onFailure = onFailure;
    }

    /** Asks for a run: one starts (after the gather window) unless one is out, which then runs once more. */
    public void request() {
        if (stopped) {
            return;
        }
        requested.set(true);
        if (running.compareAndSet(false, true)) {
            start();
        }
    }

    /** No run starts after this; one out finishes. */
    public void stop() {
        stopped = true;
    }

    /** Whether a run is out or waiting for its gather window to end. */
    public boolean busy() {
        return running.get();
    }

    /**
     * On a Vert.x context of the run's own: a run serves every request of its window, and the context of
     * the one that woke it holds that request's trace (OpenTelemetry keeps it in the context's local
     * data), which would otherwise get the run's statements and log lines.
     */
    private void start() {
        Context own = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        if (gatherMillis <= 0) {
            own.runOnContext(ignored -> run());
        } else {
            own.runOnContext(ignored -> vertx.setTimer(gatherMillis, timer -> run()));
        }
    }

    private void run() {
        // Every request so far is served by this run: what it asked for was committed before it asked.
        requested.set(false);
        if (stopped) {
            running.set(false);
            return;
        }
        Uni<?> work;
        try {
            work = job.get();
        } catch (RuntimeException failure) {
            work = Uni.createFrom().failure(failure);
        }
        work.subscribe().with(done -> finish(), failure -> {
            onFailure.accept(failure);
            finish();
        });
    }

    private void finish() {
        running.set(false);
        // A request that came during the run either sees running false and starts its own, or set
        // requested before this check and is started here: never both, never neither.
        if (requested.get() && !stopped && running.compareAndSet(false, true)) {
            start();
        }
    }
}
