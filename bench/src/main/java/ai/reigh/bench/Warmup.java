package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;

/**
 * Untimed runs of one side's path before a figure's pairs, repeated until the path runs at its steady
 * rate. A JVM interprets and profiles a path before its JIT compiles it, and on this machine a service
 * started just before the bench needs tens of seconds of load for that: tasks-service spent 30 ms of
 * CPU per task in its first 400 claims at limit 1 and 2.5 ms from about its 4 000th on
 * (docs/performance.md). One untimed run of a few seconds left the first rows of every full run
 * measuring compilation, and the bench's own JVM warms the raw side the same way (its hot batched
 * charges ran 2 040, then 4 249, then 5 388 spends/s in the three pairs of one run). So both sides warm
 * by the same rule, and what the warm-up saw is reported with the figure: a cold service's rate stays
 * visible.
 *
 * <p>Steady: the better of the last two runs gains no more than {@value #STEADY_GAIN} on the best run
 * before them (two runs, so that one run slowed by the machine's noise does not end a warm-up that is
 * still gaining). At most {@code maxRuns} runs (the run's sizes: 8 in a full run, 2 in a quick one), so a
 * path that never settles costs a bounded time, and says so.
 */
final class Warmup {
    static final double STEADY_GAIN = 0.05;
    /** Two runs to judge, and at least one before them. */
    static final int FEWEST_TO_JUDGE = 3;

    /** The rates of the untimed runs, in order (higher is better). */
    record Runs(List<Double> rates) {
        boolean steady() {
            return isSteady(rates);
        }

        /** For the report: "35.00 → 84.00 → 150 → 152 (steady after 4 runs)". */
        String describe() {
            String path = rates.stream().map(rate -> String.format(Locale.ROOT, rate >= 100 ? "%.0f" : "%.2f", rate))
                    .collect(Collectors.joining(" → "));
            return path + (steady() ? " (steady after " : " (not steady after ") + rates.size() + " runs)";
        }

        /** Logged, and kept with the figure ({@code warmup_<side>} in its details). */
        Runs report(Figure figure, String side) {
            figure.detail("warmup_" + side, describe());
            Context.log("%s warm-up, %s: %s", figure.id(), side, describe());
            return this;
        }
    }

    private Warmup() {
    }

    /** Runs {@code run} (one untimed run; its rate, higher is better) until it is steady or {@code maxRuns} ran. */
    static Runs untilSteady(int maxRuns, DoubleSupplier run) {
        List<Double> rates = new ArrayList<>();
        do {
            rates.add(run.getAsDouble());
        } while (!isSteady(rates) && rates.size() < maxRuns);
        return new Runs(List.copyOf(rates));
    }

    static boolean isSteady(List<Double> rates) {
        int n = rates.size();
        if (n < FEWEST_TO_JUDGE) {
            return false;
        }
        double lastTwo = Math.max(rates.get(n - 1), rates.get(n - 2));
        double bestBefore = rates.subList(0, n - 2).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return lastTwo <= bestBefore * (1 + STEADY_GAIN);
    }
}
