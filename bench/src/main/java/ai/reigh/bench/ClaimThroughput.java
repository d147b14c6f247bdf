package ai.reigh.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Scenario 1: claim→complete throughput. W simulated workers in closed loops claim {@code limit}
 * tasks and complete them; tasks completed per second. A worker that claimed several completes them
 * together, as a worker that ran them as one batch does: the platform in one
 * {@code POST /v1/workers/tasks/complete}, raw in one fenced {@code UPDATE … FROM unnest(…)}; one more
 * row at W = 16 completes them one by one on both sides (the rows of the rounds before the batch
 * completion existed). Raw: the bare statements, one connection per worker. Platform: the worker
 * protocol straight to tasks-service, as workers call it in a deployment (the completion also writes the
 * charge to the outbox, which the relay delivers to credits-service: that backlog is drained, and its
 * time counted in the CPU per task, before the next run). One more row per limit, at W = 16, goes
 * through the gateway: what its hop costs.
 */
final class ClaimThroughput {
    private static final int EXTRA_ROW_WORKERS = 16;

    /**
     * One figure's workers: W of them, straight to tasks-service or through the gateway; with a limit
     * over 1, completing what they claimed together ({@code batched}) or one by one.
     */
    private record Workers(int count, boolean viaGateway, boolean batched, boolean oneByOne) {
        static Workers of(int count, boolean viaGateway, int limit, boolean batched) {
            return new Workers(count, viaGateway, batched, limit > 1 && !batched);
        }

        String suffix() {
            return (viaGateway ? "_gateway" : "") + (oneByOne ? "_one_by_one" : "");
        }

        String words() {
            return (viaGateway ? ", through the gateway" : "") + (oneByOne ? ", completed one by one" : "");
        }

        /** The code path the row exercises (what its first run warms up). */
        String path() {
            return (viaGateway ? "gateway" : "direct") + (batched ? " batched" : "");
        }
    }

    private final Context context;
    private final Platform direct;
    private final Platform viaGateway;

    ClaimThroughput(Context context) {
        this.context = context;
        this.direct = new Platform(context);
        this.viaGateway = Platform.viaGateway(context);
    }

    void run() {
        BenchOptions.Sizes sizes = context.sizes();
        Fixtures fixtures = context.fixtures();
        fixtures.removeAllTasks();
        fixtures.vacuum();
        Set<String> warmed = new HashSet<>();
        for (int limit : sizes.claimLimits()) {
            boolean batched = limit > 1;
            List<Workers> rows = new ArrayList<>();
            sizes.claimWorkers().forEach(count -> rows.add(Workers.of(count, false, limit, batched)));
            if (sizes.claimWorkers().contains(EXTRA_ROW_WORKERS)) {
                if (batched) {
                    rows.add(Workers.of(EXTRA_ROW_WORKERS, false, limit, false));
                }
                rows.add(Workers.of(EXTRA_ROW_WORKERS, true, limit, batched));
            }
            for (Workers row : rows) {
                int workers = row.count();
                Platform platform = row.viaGateway() ? viaGateway : direct;
                Figure figure = context.figure(new Figure("claim_w" + workers + "_l" + limit + row.suffix(), "claim",
                        "claim→complete W=" + workers + " limit " + limit + row.words(), "tasks/s", Figure.Better.HIGHER));
                boolean targeted = !row.viaGateway() && !row.oneByOne();
                if (targeted && limit == 10) {
                    figure.targetRatio("platform ≥ 50% of raw", ratio -> ratio >= 0.5);
                } else if (targeted && limit == 1) {
                    figure.targetRatio("platform ≥ 35% of raw", ratio -> ratio >= 0.35);
                }
                List<Double> drains = new ArrayList<>();
                CpuMeter cpu = new CpuMeter(context, "platform");
                CpuMeter rawCpu = new CpuMeter(context, "raw");
                if (warmed.add(row.path())) {
                    // Untimed: the services' (and the gateway's) JIT compiles the claim and completion paths.
                    Warmup.untilSteady(sizes.warmupMaxRuns(), () -> {
                        prepare();
                        double rate = platformRun(platform, row, limit).perSecond();
                        drainOutbox();
                        return rate;
                    }).report(figure, "platform");
                }
                if (warmed.add("raw" + (row.batched() ? " batched" : ""))) {
                    // Untimed: the bench's JIT compiles the raw loop.
                    Warmup.untilSteady(sizes.warmupMaxRuns(), () -> {
                        prepare();
                        return raw(row, limit).perSecond();
                    }).report(figure, "raw");
                }
                for (int pair = 0; pair < sizes.pairs(); pair++) {
                    double raw = 0;
                    double plat = 0;
                    for (int side = 0; side < 2; side++) {
                        boolean rawSide = (side == 0) == Context.rawFirst(pair);
                        prepare();
                        if (rawSide) {
                            rawCpu.start();
                            Loops.Result result = raw(row, limit);
                            rawCpu.stop(result.units());
                            raw = result.perSecond();
                        } else {
                            cpu.start();
                            Loops.Result result = platformRun(platform, row, limit);
                            plat = result.perSecond();
                            // The relay's deliveries are part of the tasks' cost: measured until drained.
                            drains.add(drainOutbox());
                            cpu.stop(result.units());
                            context.invariants().check(context, figure.id() + " pair " + pair);
                        }
                    }
                    figure.pair(raw, plat);
                    Context.log("%s pair %d: raw %.0f, platform %.0f tasks/s", figure.id(), pair, raw, plat);
                }
                figure.detail("outbox_drain_seconds_median", Stats.median(drains));
                cpu.report(figure, "task");
                rawCpu.report(figure, "task");
            }
        }
        fixtures.removeAllTasks();
        fixtures.compact();
    }

    /** The same queue before every run: finished rows removed, vacuumed, topped up to the same depth. */
    private void prepare() {
        context.fixtures().removeWorkedTasks();
        context.fixtures().vacuum();
        context.fixtures().queueDepth(context.sizes().maxTasksPerRun());
    }

    private Loops.Result raw(Workers row, int limit) {
        int workers = row.count();
        // Planned once per connection, as the platform's claim is (Db.inOneStatementPlannedOnce).
        Pool pool = context.db().plannedOncePool(workers);
        String claim = RawSql.claim(limit);
        try {
            Loops.Result result = Loops.run(workers, context.sizes().claimWindow().toNanos(), w -> {
                String workerId = "bench-raw-" + w;
                Supplier<Future<Integer>> step = () -> pool.withConnection(c -> c.preparedQuery(claim)
                        .execute(Tuple.of(workerId, "gpu")).compose(rows -> {
                            if (rows.size() == 0) {
                                return Future.succeededFuture(-1);
                            }
                            List<UUID> ids = new ArrayList<>();
                            List<UUID> leases = new ArrayList<>();
                            for (Row claimed : rows) {
                                ids.add(claimed.getUUID("id"));
                                leases.add(claimed.getUUID("lease_token"));
                            }
                            return complete(c, ids, leases, row.batched()).map(rows.size());
                        }));
                return step;
            });
            return result;
        } finally {
            Await.of(pool.close());
        }
    }

    /** The raw completions: one statement for all, or one per task. */
    private static Future<Void> complete(SqlConnection c, List<UUID> ids, List<UUID> leases, boolean batched) {
        if (batched) {
            String[] outputs = ids.stream().map(Platform::outputUrl).toArray(String[]::new);
            return c.preparedQuery(RawSql.COMPLETE_ALL)
                    .execute(Tuple.of(ids.toArray(UUID[]::new), leases.toArray(UUID[]::new), outputs)).mapEmpty();
        }
        Future<Void> chain = Future.succeededFuture();
        for (int k = 0; k < ids.size(); k++) {
            UUID id = ids.get(k);
            UUID lease = leases.get(k);
            chain = chain.compose(v -> c.preparedQuery(RawSql.COMPLETE).execute(Tuple.of(id, lease, Platform.outputUrl(id))).mapEmpty());
        }
        return chain;
    }

    private Loops.Result platformRun(Platform platform, Workers row, int limit) {
        return Loops.run(row.count(), context.sizes().claimWindow().toNanos(),
                w -> () -> platform.claimAndComplete("bench-w-" + w, limit, row.batched()));
    }

    /** Waits (untimed) until the relay delivered every charge of the run; the seconds it took. */
    private double drainOutbox() {
        return context.fixtures().awaitOutboxDrained(context.sizes().outboxDrainLimit());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
