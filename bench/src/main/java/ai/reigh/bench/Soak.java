package ai.reigh.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 8: stability over time. 16 workers claim (limit 10) and complete, straight to tasks-service,
 * for {@code soakDuration} over a queue of {@code soakDepth} tasks (10 minutes over 1 M in the full run),
 * while the relay charges every completion. The rate is taken in ten equal windows; the figure is the
 * last window's rate against the first's (the target: at least 0.7, i.e. vacuum and bloat under control:
 * the finished rows, dead tuples and outbox rows the run leaves behind must not slow the claim down).
 * One run, no raw side: the "raw" column is the first window's rate and "platform" the last's.
 *
 * <p>The same path warms up first (untimed claim windows until steady, {@link Warmup}): a first window
 * measured while the services still compile reads low, and the ratio against it flatters the last one
 * (a just-started suite's first window: 327 tasks/s, its second 593).
 */
final class Soak {
    private static final int WORKERS = 16;
    private static final int LIMIT = 10;
    private static final int WINDOWS = 10;

    private final Context context;
    private final Platform platform;

    Soak(Context context) {
        this.context = context;
        this.platform = new Platform(context);
    }

    void run() {
        BenchOptions.Sizes sizes = context.sizes();
        Fixtures fixtures = context.fixtures();
        fixtures.removeAllTasks();
        fixtures.compact();
        fixtures.queueDepth(sizes.soakDepth());
        fixtures.vacuum();
        Duration window = sizes.soakDuration().dividedBy(WINDOWS);
        Figure figure = context.figure(new Figure("soak_rate", "soak", "soak %d min, %s queued: claim→complete rate, last window vs first"
                .formatted(sizes.soakDuration().toMinutes(), QueueDepth.label(sizes.soakDepth())), "tasks/s",
                Figure.Better.HIGHER));
        figure.targetRatio("last ≥ 70% of first", ratio -> ratio >= 0.7);
        Warmup.untilSteady(sizes.warmupMaxRuns(), () -> work(sizes.claimWindow()).perSecond())
                .report(figure, "platform");
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            Loops.Result result = work(window);
            rates.add(result.perSecond());
            Context.log("soak window %d of %d: %.0f tasks/s, %d queued, outbox backlog %d", i + 1, WINDOWS,
                    result.perSecond(), fixtures.queued("gpu"), fixtures.outboxPending());
        }
        figure.pair(rates.get(0), rates.get(WINDOWS - 1));
        figure.detail("rates_per_window", rates.stream().map(Figure::round).toList().toString());
        fixtures.awaitOutboxDrained(sizes.outboxDrainLimit());
        context.invariants().check(context, "soak");
        fixtures.removeAllTasks();
        fixtures.compact();
    }

    private Loops.Result work(Duration window) {
        return Loops.run(WORKERS, window.toNanos(), w -> () -> platform.claimAndComplete("bench-w-soak-" + w, LIMIT));
    }
}
