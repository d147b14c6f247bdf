package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Scenario 2: enqueue→claim latency with idle workers waiting. One task at a time is enqueued; the
 * latency runs from the enqueue returning to a waiting worker holding the task (0 when the worker had
 * it before the enqueue's answer arrived).
 *
 * <p>Raw: workers are connections that {@code LISTEN reigh_task_ready} (the schema's insert trigger
 * signals at commit) and run the bare claim when signalled; tasks are {@code bench_noop_api} (run
 * type api) so that the platform's parked gpu workers never take them. Platform: workers long-poll
 * {@code POST /v1/workers/claim} with {@code wait_seconds = 5}; tasks are created with
 * {@code POST /v1/tasks} by their owners. Claimed tasks are finished by the bench with SQL, untimed,
 * so that owners stay under the cap of five.
 */
final class EnqueueLatency {
    private static final long RECEIVE_LIMIT_MILLIS = 10_000;
    /** Short enough that the workers are gone a few seconds after the scenario, long enough to stay parked. */
    private static final int WAIT_SECONDS = 5;
    private static final int MAX_UNANSWERED = 5;

    private final Context context;
    private final Platform platform;
    private final Map<UUID, Long> received = new ConcurrentHashMap<>();
    private final AtomicInteger unanswered = new AtomicInteger();

    EnqueueLatency(Context context) {
        this.context = context;
        this.platform = new Platform(context);
    }

    void run() {
        BenchOptions.Sizes sizes = context.sizes();
        context.fixtures().removeAllTasks();
        Figure p50 = context.figure(new Figure("latency_p50", "latency", "enqueue→claim p50 (idle long-polling workers)",
                "ms", Figure.Better.LOWER)).targetPlatform("p50 ≤ 20 ms", v -> v <= 20);
        Figure p99 = context.figure(new Figure("latency_p99", "latency", "enqueue→claim p99 (idle long-polling workers)",
                "ms", Figure.Better.LOWER)).targetPlatform("p99 ≤ 100 ms", v -> v <= 100);
        AtomicBoolean platformActive = new AtomicBoolean(true);
        List<Future<Void>> pollers = startPlatformWorkers(sizes.latencyWorkers(), platformActive);
        RawListeners raw = new RawListeners(sizes.latencyWorkers());
        try {
            Await.of(raw.start());
            for (int pair = 0; pair < sizes.pairs(); pair++) {
                double[] rawSamples = null;
                double[] platformSamples = null;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == Context.rawFirst(pair)) {
                        raw.active.set(true);
                        rawSamples = samples(sizes.latencySamples(), true);
                        raw.active.set(false);
                    } else {
                        platformSamples = samples(sizes.latencySamples(), false);
                    }
                }
                p50.pair(Stats.percentile(rawSamples, 50), Stats.percentile(platformSamples, 50));
                p99.pair(Stats.percentile(rawSamples, 99), Stats.percentile(platformSamples, 99));
                Context.log("latency pair %d: raw p50 %.2f p99 %.2f, platform p50 %.2f p99 %.2f ms", pair,
                        Stats.percentile(rawSamples, 50), Stats.percentile(rawSamples, 99),
                        Stats.percentile(platformSamples, 50), Stats.percentile(platformSamples, 99));
            }
        } finally {
            platformActive.set(false);
            raw.close();
        }
        // Parked claims end at their deadline; the next scenario's tasks must not meet a waiting worker.
        for (Future<Void> poller : pollers) {
            Await.of(poller);
        }
        p50.detail("waiting_workers", sizes.latencyWorkers()).detail("samples_per_side", sizes.latencySamples())
                .detail("platform_long_polls_failed", unanswered.get());
        context.fixtures().removeAllTasks();
    }

    private double[] samples(int count, boolean rawSide) {
        double[] latencies = new double[count];
        for (int i = 0; i < count; i++) {
            int owner = i % Fixtures.TASK_OWNERS;
            UUID id;
            long returned;
            if (rawSide) {
                id = Await.of(context.db().admin().preparedQuery(RawSql.ENQUEUE).execute(Tuple.of(
                        Fixtures.project(owner), Fixtures.user(owner), Fixtures.API_TYPE, "api")))
                        .iterator().next().getUUID("id");
                returned = System.nanoTime();
            } else {
                JsonObject body = new JsonObject().put("project_id", Fixtures.project(owner).toString())
                        .put("task_type", Fixtures.GPU_TYPE).put("params", new JsonObject());
                Http.Answer answer = Http.expect(Await.of(context.http().post(context.options().gateway() + "/v1/tasks",
                        context.tokens().user(Fixtures.user(owner)), body)), "POST /v1/tasks", 201);
                returned = System.nanoTime();
                id = UUID.fromString(answer.json().getString("id"));
            }
            long limit = System.currentTimeMillis() + RECEIVE_LIMIT_MILLIS;
            Long at;
            while ((at = received.remove(id)) == null) {
                if (System.currentTimeMillis() > limit) {
                    throw new IllegalStateException("no waiting worker received task " + id + " within 10 s");
                }
                ClaimThroughput.sleep(1);
            }
            latencies[i] = Math.max(0, (at - returned) / 1e6);
            // Let the worker finish the task and wait again before the next one.
            ClaimThroughput.sleep(15);
        }
        return latencies;
    }

    private List<Future<Void>> startPlatformWorkers(int workers, AtomicBoolean active) {
        List<Future<Void>> all = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            String workerId = "bench-lp-" + w;
            all.add(longPoll(workerId, active));
        }
        return all;
    }

    private Future<Void> longPoll(String workerId, AtomicBoolean active) {
        if (!active.get()) {
            return Future.succeededFuture();
        }
        return platform.claim(workerId, "gpu", 1, WAIT_SECONDS).recover(failure -> {
            // A long poll not answered within the client's 40 s (wait_seconds is 5) is a platform
            // defect worth a line in the report, not the end of the run; more than a few is the end.
            int seen = unanswered.incrementAndGet();
            Context.log("long poll of %s failed (%d so far): %s", workerId, seen, failure.getMessage());
            return seen > MAX_UNANSWERED ? Future.failedFuture(failure) : Future.succeededFuture(List.of());
        }).compose(tasks -> {
            long now = System.nanoTime();
            Future<Void> finished = Future.succeededFuture();
            for (Platform.Claimed task : tasks) {
                received.put(task.id(), now);
                finished = finished.compose(v -> context.db().admin().preparedQuery(RawSql.FINISH_ANY)
                        .execute(Tuple.of(task.id())).mapEmpty());
            }
            return finished;
        }).compose(v -> longPoll(workerId, active));
    }

    /** Raw workers: one connection each, listening; a signal makes each try the bare claim once more. */
    private final class RawListeners {
        final AtomicBoolean active = new AtomicBoolean(false);
        private final int count;
        private final List<PgConnection> connections = new ArrayList<>();

        RawListeners(int count) {
            this.count = count;
        }

        Future<Void> start() {
            Future<Void> chain = Future.succeededFuture();
            for (int i = 0; i < count; i++) {
                String workerId = "bench-raw-lp-" + i;
                chain = chain.compose(v -> context.db().connect()).compose(connection -> {
                    connections.add(connection);
                    boolean[] busy = {false};
                    boolean[] again = {false};
                    Runnable[] attempt = new Runnable[1];
                    attempt[0] = () -> {
                        if (busy[0]) {
                            again[0] = true;
                            return;
                        }
                        busy[0] = true;
                        connection.preparedQuery(RawSql.CLAIM_ONE).execute(Tuple.of(workerId, "api")).compose(rows -> {
                            long now = System.nanoTime();
                            if (rows.size() == 0) {
                                return Future.succeededFuture();
                            }
                            UUID id = rows.iterator().next().getUUID("id");
                            received.put(id, now);
                            return connection.preparedQuery(RawSql.FINISH_ANY).execute(Tuple.of(id)).mapEmpty();
                        }).onComplete(done -> {
                            busy[0] = false;
                            if (again[0]) {
                                again[0] = false;
                                attempt[0].run();
                            }
                        });
                    };
                    connection.notificationHandler(notification -> {
                        if (active.get() && notification.getChannel().equals("reigh_task_ready")) {
                            attempt[0].run();
                        }
                    });
                    return connection.query("LISTEN reigh_task_ready").execute().mapEmpty();
                });
            }
            return chain;
        }

        void close() {
            for (PgConnection connection : connections) {
                Await.of(connection.close());
            }
        }
    }
}
