package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Closed-loop load: {@code n} callers, each starting its next step when the last one finished, until
 * a deadline. A step answers how many units of work it did (tasks, charges); a negative count stops
 * that caller (its queue ran dry).
 */
public final class Loops {
    private Loops() {
    }

    /** Units done by all callers, and the seconds from the start to the last caller's end. */
    public record Result(long units, double seconds) {
        public double perSecond() {
            return seconds <= 0 ? 0 : units / seconds;
        }
    }

    public static Result run(int callers, long windowNanos, IntFunction<Supplier<Future<Integer>>> stepOfCaller) {
        long started = System.nanoTime();
        long deadline = started + windowNanos;
        List<Future<Long>> all = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            all.add(loop(stepOfCaller.apply(i), deadline));
        }
        long units = 0;
        for (Future<Long> one : all) {
            units += Await.of(one);
        }
        return new Result(units, (System.nanoTime() - started) / 1e9);
    }

    private static Future<Long> loop(Supplier<Future<Integer>> step, long deadline) {
        Promise<Long> done = Promise.promise();
        long[] units = {0};
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (System.nanoTime() >= deadline) {
                done.complete(units[0]);
                return;
            }
            step.get().onSuccess(n -> {
                if (n < 0) {
                    done.complete(units[0]);
                } else {
                    units[0] += n;
                    next[0].run();
                }
            }).onFailure(done::fail);
        };
        next[0].run();
        return done.future();
    }
}
