package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Scenario 1: claim→complete throughput. W simulated workers in closed loops claim {@code limit}
 * tasks and complete them one by one; tasks completed per second. Raw: the bare claim and complete
 * statements, one connection per worker. Platform: {@code POST /v1/workers/claim} and
 * {@code /complete} straight to tasks-service, as workers call it in a deployment (the completion also
 * writes the charge to the outbox, which the relay delivers to credits-service: that backlog is drained,
 * and its time counted in the CPU per task, before the next run). One more row per limit, at W = 16,
 * goes through the gateway: what its hop costs.
 */
final class ClaimThroughput {
    private static final int GATEWAY_ROW_WORKERS = 16;

    /** One figure's workers: W of them, straight to tasks-service or through the gateway. */
    private record Workers(int count, boolean viaGateway) {
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
        for (int limit : sizes.claimLimits()) {
            List<Workers> rows = new ArrayList<>();
            sizes.claimWorkers().forEach(count -> rows.add(new Workers(count, false)));
            if (sizes.claimWorkers().contains(GATEWAY_ROW_WORKERS)) {
                rows.add(new Workers(GATEWAY_ROW_WORKERS, true));
            }
            for (Workers row : rows) {
                int workers = row.count();
                Platform platform = row.viaGateway() ? viaGateway : direct;
                Figure figure = context.figure(new Figure("claim_w" + workers + "_l" + limit
                        + (row.viaGateway() ? "_gateway" : ""), "claim", "claim→complete W=" + workers + " limit " + limit
                        + (row.viaGateway() ? ", through the gateway" : ""), "tasks/s", Figure.Better.HIGHER));
                if (!row.viaGateway() && limit == 10) {
                    figure.targetRatio("platform ≥ 50% of raw", ratio -> ratio >= 0.5);
                } else if (!row.viaGateway() && limit == 1) {
                    figure.targetRatio("platform ≥ 35% of raw", ratio -> ratio >= 0.35);
                }
                List<Double> drains = new ArrayList<>();
                CpuMeter cpu = new CpuMeter(context, "platform");
                CpuMeter rawCpu = new CpuMeter(context, "raw");
                if (limit == sizes.claimLimits().get(0) && (workers == sizes.claimWorkers().get(0) || row.viaGateway())) {
                    // Untimed: the services' (and the gateway's) JIT compiles the claim and completion paths once.
                    prepare();
                    platformRun(platform, workers, limit);
                    drainOutbox();
                }
                for (int pair = 0; pair < sizes.pairs(); pair++) {
                    double raw = 0;
                    double plat = 0;
                    for (int side = 0; side < 2; side++) {
                        boolean rawSide = (side == 0) == Context.rawFirst(pair);
                        prepare();
                        if (rawSide) {
                            rawCpu.start();
                            Loops.Result result = raw(workers, limit);
                            rawCpu.stop(result.units());
                            raw = result.perSecond();
                        } else {
                            cpu.start();
                            Loops.Result result = platformRun(platform, workers, limit);
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

    private Loops.Result raw(int workers, int limit) {
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
                            Future<Void> chain = Future.succeededFuture();
                            for (Row row : rows) {
                                UUID id = row.getUUID("id");
                                UUID lease = row.getUUID("lease_token");
                                chain = chain.compose(v -> c.preparedQuery(RawSql.COMPLETE)
                                        .execute(Tuple.of(id, lease, "https://cdn.reigh-bench.example/t/" + id + ".png"))
                                        .mapEmpty());
                            }
                            return chain.map(rows.size());
                        }));
                return step;
            });
            return result;
        } finally {
            Await.of(pool.close());
        }
    }

    private Loops.Result platformRun(Platform platform, int workers, int limit) {
        return Loops.run(workers, context.sizes().claimWindow().toNanos(),
                w -> () -> platform.claimAndComplete("bench-w-" + w, limit));
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
