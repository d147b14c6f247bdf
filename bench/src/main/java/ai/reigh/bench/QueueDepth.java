package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.vertx.sqlclient.Tuple;

/**
 * Scenario 3: claim latency against the depth of the queue. One worker claims one task at a time
 * (p50 over {@code depthSamples} claims per side); each claimed task is finished by the bench with SQL,
 * untimed. Depths 1k, 100k and 1M Queued (quick: smaller), then the smallest queue behind 1M
 * finished tasks. Growth = latency at the deepest queue ÷ latency at the smallest.
 */
final class QueueDepth {
    private final Context context;
    private final Platform platform;

    QueueDepth(Context context) {
        this.context = context;
        this.platform = new Platform(context);
    }

    void run() {
        BenchOptions.Sizes sizes = context.sizes();
        Fixtures fixtures = context.fixtures();
        fixtures.removeAllTasks();
        fixtures.vacuum();
        List<Integer> depths = sizes.depths();
        List<double[]> firstPairs = new ArrayList<>();
        List<double[]> deepestPairs = new ArrayList<>();
        for (int depth : depths) {
            Figure figure = context.figure(new Figure("depth_" + depth, "depth", "claim p50, " + label(depth) + " Queued",
                    "ms", Figure.Better.LOWER));
            long filling = System.nanoTime();
            fixtures.removeWorkedTasks();
            fixtures.queueDepth(depth);
            fixtures.vacuum();
            figure.detail("setup_seconds", (System.nanoTime() - filling) / 1e9);
            for (int pair = 0; pair < sizes.pairs(); pair++) {
                double[] measured = measurePair(pair, depth);
                figure.pair(measured[0], measured[1]);
                if (depth == depths.get(0)) {
                    firstPairs.add(measured);
                }
                if (depth == depths.get(depths.size() - 1)) {
                    deepestPairs.add(measured);
                }
            }
        }
        Figure growth = context.figure(new Figure("depth_growth", "depth", "claim p50 growth " + label(depths.get(0))
                + " → " + label(depths.get(depths.size() - 1)) + " Queued", "×", Figure.Better.LOWER))
                .targetPlatform("≤ 1.5× growth", v -> v <= 1.5);
        for (int i = 0; i < firstPairs.size(); i++) {
            growth.pair(deepestPairs.get(i)[0] / firstPairs.get(i)[0], deepestPairs.get(i)[1] / firstPairs.get(i)[1]);
        }

        int smallest = depths.get(0);
        Figure finished = context.figure(new Figure("depth_finished", "depth", "claim p50, " + label(smallest)
                + " Queued + " + label(sizes.finishedDepth()) + " finished", "ms", Figure.Better.LOWER));
        long filling = System.nanoTime();
        fixtures.removeAllTasks();
        fixtures.addFinished(sizes.finishedDepth());
        fixtures.queueDepth(smallest);
        fixtures.vacuum();
        finished.detail("setup_seconds", (System.nanoTime() - filling) / 1e9);
        for (int pair = 0; pair < sizes.pairs(); pair++) {
            double[] measured = measurePair(pair, smallest);
            finished.pair(measured[0], measured[1]);
        }
        fixtures.removeAllTasks();
        fixtures.compact();
    }

    /** {raw p50, platform p50} in ms; the queue is topped up to {@code depth} before each side. */
    private double[] measurePair(int pair, int depth) {
        double raw = 0;
        double plat = 0;
        for (int side = 0; side < 2; side++) {
            context.fixtures().queueDepth(depth);
            if ((side == 0) == Context.rawFirst(pair)) {
                raw = Stats.percentile(samples(true), 50);
            } else {
                plat = Stats.percentile(samples(false), 50);
            }
        }
        Context.log("depth %d pair %d: raw %.2f ms, platform %.2f ms", depth, pair, raw, plat);
        return new double[] {raw, plat};
    }

    private double[] samples(boolean rawSide) {
        int count = context.sizes().depthSamples();
        double[] latencies = new double[count];
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            UUID id;
            if (rawSide) {
                var rows = Await.of(context.db().admin().preparedQuery(RawSql.CLAIM_ONE)
                        .execute(Tuple.of("bench-raw-depth", "gpu")));
                latencies[i] = (System.nanoTime() - started) / 1e6;
                if (rows.size() != 1) {
                    throw new IllegalStateException("the raw claim found no task in a full queue");
                }
                id = rows.iterator().next().getUUID("id");
            } else {
                List<Platform.Claimed> tasks = Await.of(platform.claim("bench-depth", "gpu", 1, 0));
                latencies[i] = (System.nanoTime() - started) / 1e6;
                if (tasks.size() != 1) {
                    throw new IllegalStateException("the platform's claim found no task in a full queue");
                }
                id = tasks.get(0).id();
            }
            Await.of(context.db().admin().preparedQuery(RawSql.FINISH_ANY).execute(Tuple.of(id)));
        }
        return latencies;
    }

    static String label(int count) {
        if (count >= 1_000_000 && count % 1_000_000 == 0) {
            return count / 1_000_000 + "M";
        }
        if (count >= 1_000 && count % 1_000 == 0) {
            return count / 1_000 + "k";
        }
        return Integer.toString(count);
    }
}
