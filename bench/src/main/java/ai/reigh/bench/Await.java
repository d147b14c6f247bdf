package ai.reigh.bench;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Future;

/** The main thread waits for the event loops' work here (never on an event loop). */
public final class Await {
    /** No single step of a run may hang the bench: the longest (1M-row setup statements) is well below. */
    private static final Duration LIMIT = Duration.ofMinutes(10);

    private Await() {
    }

    public static <T> T of(Future<T> future) {
        return of(future, LIMIT);
    }

    public static <T> T of(Future<T> future, Duration limit) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("a bench step took longer than " + limit.toSeconds() + " s", e);
        }
    }
}
