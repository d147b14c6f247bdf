package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToLongFunction;

import ai.reigh.devtools.worker.ReferenceWorker;
import ai.reigh.devtools.worker.WorkerStats;

/**
 * The load a fault lands in: a tenant of its own, users creating tasks with idempotency keys (and
 * retrying, {@link TaskCreators}) and reference workers running them in the background. After the
 * fault, {@link #finish} proves the load came through whole: every key has exactly the task its user was
 * answered, every task is Complete, with one generation and one spend.
 */
final class LoadUnderFault implements AutoCloseable {
    private static final int WORKERS = 3;

    /**
     * Who loads the platform and where they reach it: creator thread {@code t} sends its creates to
     * {@code creatorOrigins[t % n]}; each of {@code workerOrigins} gets a reference worker running
     * {@code workersPerOrigin} workers.
     */
    record Plan(int creatorThreads, int tasksPerCreator, Duration pace, List<String> creatorOrigins,
            List<String> workerOrigins, int workersPerOrigin) {
        /** Everyone through the gateway, three workers. */
        static Plan throughGateway(int creatorThreads, int tasksPerCreator, Duration pace) {
            String gateway = Platform.system().gatewayUrl();
            return new Plan(creatorThreads, tasksPerCreator, pace, List.of(gateway), List.of(gateway), WORKERS);
        }
    }

    private final Platform.Tenant tenant;
    private final Invariants.LedgerSnapshot ledger;
    private final List<ReferenceWorker> workers = new ArrayList<>();
    private final List<Future<WorkerStats>> workerRuns = new ArrayList<>();
    private final ExecutorService background;
    private final TaskCreators creators;
    private final int expected;
    private final List<WorkerStats> stats = new ArrayList<>();

    private LoadUnderFault(String label, Platform.Tenant tenant, Plan plan) {
        this.tenant = tenant;
        ledger = Invariants.snapshotLedger();
        background = Executors.newFixedThreadPool(plan.workerOrigins().size());
        for (int group = 0; group < plan.workerOrigins().size(); group++) {
            ReferenceWorker worker = Platform.referenceWorker(tenant, plan.workerOrigins().get(group),
                    plan.workersPerOrigin(), plan.workerOrigins().size() == 1 ? label : label + "-" + group);
            workers.add(worker);
            workerRuns.add(background.submit(worker::run));
        }
        creators = new TaskCreators(tenant, label, plan.creatorThreads(), plan.tasksPerCreator(), plan.pace(),
                plan.creatorOrigins()).start();
        expected = creators.expectedKeys();
    }

    static LoadUnderFault start(String label, int creatorThreads, int tasksPerCreator, Duration pace) {
        return start(label, Platform.newTenant(label, new BigDecimal("5000")),
                Plan.throughGateway(creatorThreads, tasksPerCreator, pace));
    }

    /** The load of {@code plan}, for a tenant made beforehand (with {@code Platform.newTenant}). */
    static LoadUnderFault start(String label, Platform.Tenant tenant, Plan plan) {
        return new LoadUnderFault(label, tenant, plan);
    }

    Platform.Tenant tenant() {
        return tenant;
    }

    Invariants.LedgerSnapshot ledger() {
        return ledger;
    }

    TaskCreators creators() {
        return creators;
    }

    /** Until the fault can land mid-load: a quarter of the tasks created, one of them claimed or running. */
    void awaitMidLoad() {
        Await.until("a quarter of the tasks created and one running", Duration.ofSeconds(60), () ->
                Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid", tenant.projectId())
                        >= expected / 4
                && Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND status <> 'Queued'",
                        tenant.projectId()) >= 1);
    }

    /** The load, finished and checked whole; the workers are stopped (their figures: {@link #workerStats}). */
    void finish() throws Exception {
        creators.awaitDone(Duration.ofSeconds(150));
        assertThat(creators.failures()).as("every create succeeded in the end, with its own key").isEmpty();
        assertThat(creators.taskIdByKey()).hasSize(expected);
        Map<String, String> stored = new HashMap<>();
        for (List<Object> row : Platform.sql(sql -> sql.query(
                "SELECT idempotency_key, id::text FROM tasks WHERE project_id = ?::uuid", tenant.projectId()))) {
            assertThat(stored.put((String) row.get(0), (String) row.get(1))).as("one task per key").isNull();
        }
        assertThat(stored).as("exactly the tasks the users were answered, one per key")
                .isEqualTo(creators.taskIdByKey());
        Await.until("every task Complete", Duration.ofSeconds(120), () -> Platform.count(
                "SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND status = 'Complete'", tenant.projectId())
                == expected);
        workers.forEach(ReferenceWorker::stop);
        for (Future<WorkerStats> run : workerRuns) {
            stats.add(run.get());
        }
        // The generations and charges follow through the outbox, asynchronously: wait for them, then count
        // (rows a dying relay had reserved come back after its 60 s in-flight timeout).
        Await.until("one generation and one spend per task", Duration.ofSeconds(120), () ->
                generations() >= expected && spends() >= expected);
        assertThat(generations()).as("one generation per task").isEqualTo(expected);
        assertThat(spends()).as("one spend per task").isEqualTo(expected);
        assertThat(total(WorkerStats::completed)).as("no task completed by two workers").isLessThanOrEqualTo(expected);
    }

    private long generations() {
        return Platform.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid AND task_id IS NOT NULL",
                tenant.projectId());
    }

    private long spends() {
        return Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                tenant.userId());
    }

    /** What each reference worker (one per worker origin, in order) did; after {@link #finish}. */
    List<WorkerStats> workerStats() {
        return List.copyOf(stats);
    }

    private long total(ToLongFunction<WorkerStats> figure) {
        return stats.stream().mapToLong(figure).sum();
    }

    /** The load's own figures (users' requests, workers' calls), to which a scenario adds its fault's. */
    Figures figures(String scenario) {
        return new Figures(scenario).put("create_requests", creators.requests()).put("create_retries", creators.retries())
                .put("create_replays_200", creators.replays()).put("create_statuses", creators.statuses())
                .put("worker_claims", total(WorkerStats::claimed)).put("worker_completions", total(WorkerStats::completed))
                .put("worker_leases_lost", total(WorkerStats::leasesLost))
                .put("worker_errors_retried", total(WorkerStats::errors)).put("keys", expected);
    }

    @Override
    public void close() {
        workers.forEach(ReferenceWorker::stop);
        background.shutdownNow();
    }
}
