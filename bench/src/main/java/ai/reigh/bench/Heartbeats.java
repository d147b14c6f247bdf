package ai.reigh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Scenario 6: {@code heartbeatWorkers} simulated workers heartbeating every {@code heartbeatInterval},
 * spread evenly (1,000 every 20 s = one heartbeat every 20 ms). Platform: tasks-service's CPU share
 * (user + system time from /proc/&lt;pid&gt;/stat over the window, in % of one core). Raw: the same
 * heartbeats as bare upserts; PostgreSQL's CPU share (postmaster and backends) is the baseline, i.e.
 * the ratio says how much CPU the service spends per unit of database work.
 */
final class Heartbeats {
    private static final int WARMUP_CALLERS = 4;
    private final Context context;
    private final Platform platform;

    Heartbeats(Context context) {
        this.context = context;
        this.platform = new Platform(context);
    }

    void run() {
        BenchOptions.Sizes sizes = context.sizes();
        long tasksPid = pid(context.options().state().resolve("run/tasks.pid"));
        long gatewayPid = pid(context.options().state().resolve("run/gateway.pid"));
        long postgresPid = pid(context.options().state().resolve("pg/data/postmaster.pid"));
        long periodMillis = Math.max(1, sizes.heartbeatInterval().toMillis() / sizes.heartbeatWorkers());
        Figure figure = context.figure(new Figure("heartbeats_cpu", "heartbeats", sizes.heartbeatWorkers()
                + " workers every " + sizes.heartbeatInterval().toSeconds() + " s: CPU share (tasks-service vs raw PostgreSQL)",
                "% core", Figure.Better.LOWER));
        double gatewayShare = 0;
        double postgresShareUnderPlatform = 0;
        double tasksShareUnderRaw = 0;
        long beats = 0;
        Pool pool = context.db().pool(4);
        try {
            // Untimed: the heartbeat path compiled on both sides, at full speed (a few seconds of back-to-back
            // heartbeats are as many as minutes at the measured rate).
            Warmup.untilSteady(sizes.warmupMaxRuns(), () -> warmupRun(pool, false))
                    .report(figure, "platform_heartbeats_per_second");
            Warmup.untilSteady(sizes.warmupMaxRuns(), () -> warmupRun(pool, true))
                    .report(figure, "raw_heartbeats_per_second");
            for (int pair = 0; pair < sizes.pairs(); pair++) {
                double raw = 0;
                double plat = 0;
                for (int side = 0; side < 2; side++) {
                    boolean rawSide = (side == 0) == Context.rawFirst(pair);
                    AtomicLong sent = new AtomicLong();
                    AtomicReference<Throwable> failure = new AtomicReference<>();
                    double tasksBefore = Proc.cpuSeconds(tasksPid);
                    double gatewayBefore = Proc.cpuSeconds(gatewayPid);
                    double postgresBefore = Proc.treeCpuSeconds(postgresPid);
                    long started = System.nanoTime();
                    long timer = context.vertx().setPeriodic(periodMillis, id -> {
                        String workerId = "bench-hb-" + (sent.getAndIncrement() % sizes.heartbeatWorkers());
                        Future<?> beat = rawSide ? pool.preparedQuery(RawSql.HEARTBEAT).execute(Tuple.of(workerId))
                                : platform.heartbeat(workerId).map(answer -> Http.expect(answer, "heartbeat", 200));
                        beat.onFailure(failure::set);
                    });
                    ClaimThroughput.sleep(sizes.heartbeatWindow().toMillis());
                    context.vertx().cancelTimer(timer);
                    // The last heartbeats' answers arrive within milliseconds; their CPU belongs to the window.
                    ClaimThroughput.sleep(100);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    if (failure.get() != null) {
                        throw new IllegalStateException("a heartbeat failed", failure.get());
                    }
                    double postgres = (Proc.treeCpuSeconds(postgresPid) - postgresBefore) / seconds * 100;
                    if (rawSide) {
                        raw = postgres;
                        // tasks-service's own background work (samplers, reaper, relay polls) in the same
                        // window without heartbeats: the platform figure minus this is the heartbeats' cost.
                        tasksShareUnderRaw += (Proc.cpuSeconds(tasksPid) - tasksBefore) / seconds * 100;
                    } else {
                        plat = (Proc.cpuSeconds(tasksPid) - tasksBefore) / seconds * 100;
                        gatewayShare += (Proc.cpuSeconds(gatewayPid) - gatewayBefore) / seconds * 100;
                        postgresShareUnderPlatform += postgres;
                    }
                    beats += sent.get();
                }
                figure.pair(raw, plat);
                Context.log("heartbeats pair %d: raw PostgreSQL %.1f%%, tasks-service %.1f%% of a core", pair, raw, plat);
            }
        } finally {
            Await.of(pool.close());
        }
        figure.detail("heartbeats_per_second", 1000.0 / periodMillis)
                .detail("gateway_cpu_percent_mean", gatewayShare / sizes.pairs())
                .detail("postgres_cpu_percent_under_platform_mean", postgresShareUnderPlatform / sizes.pairs())
                .detail("tasks_service_cpu_percent_without_heartbeats_mean", tasksShareUnderRaw / sizes.pairs())
                .detail("heartbeats_sent", beats);
    }

    /** Back-to-back heartbeats of {@value #WARMUP_CALLERS} callers for a claim window; per second. */
    private double warmupRun(Pool pool, boolean rawSide) {
        int workers = context.sizes().heartbeatWorkers();
        return Loops.run(WARMUP_CALLERS, context.sizes().claimWindow().toNanos(), caller -> {
            AtomicLong sent = new AtomicLong();
            return () -> {
                String workerId = "bench-hb-" + (caller + WARMUP_CALLERS * sent.getAndIncrement()) % workers;
                return rawSide ? pool.preparedQuery(RawSql.HEARTBEAT).execute(Tuple.of(workerId)).map(rows -> 1)
                        : platform.heartbeat(workerId).map(answer -> {
                            Http.expect(answer, "heartbeat", 200);
                            return 1;
                        });
            };
        }).perSecond();
    }

    static long pid(Path file) {
        try {
            return Long.parseLong(Files.readAllLines(file).get(0).trim());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read a pid from " + file + " (is the suite up?)", e);
        }
    }
}
