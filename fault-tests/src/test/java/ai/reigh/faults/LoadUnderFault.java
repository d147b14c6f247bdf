package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.reigh.devtools.worker.ReferenceWorker;
import ai.reigh.devtools.worker.WorkerStats;

/**
 * The load a fault lands in: a tenant of its own, users creating tasks with idempotency keys (and
 * retrying, {@link TaskCreators}) and three reference workers running them in the background. After the
 * fault, {@link #finish} proves the load came through whole: every key has exactly the task its user was
 * answered, every task is Complete, with one generation and one spend.
 */
final class LoadUnderFault implements AutoCloseable {
    private static final int WORKERS = 3;

    private final Platform.Tenant tenant;
    private final Invariants.LedgerSnapshot ledger;
    private final ReferenceWorker worker;
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final Future<WorkerStats> workerRun;
    private final TaskCreators creators;
    private final int expected;
    private WorkerStats stats;

    private LoadUnderFault(String label, int creatorThreads, int tasksPerCreator, Duration pace) {
        tenant = Platform.newTenant(label, new BigDecimal("5000"));
        ledger = Invariants.snapshotLedger();
        worker = Platform.referenceWorker(tenant, WORKERS, label);
        workerRun = background.submit(worker::run);
        creators = new TaskCreators(tenant, label, creatorThreads, tasksPerCreator, pace).start();
        expected = creators.expectedKeys();
    }

    static LoadUnderFault start(String label, int creatorThreads, int tasksPerCreator, Duration pace) {
        return new LoadUnderFault(label, creatorThreads, tasksPerCreator, pace);
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

    /** The load, finished and checked whole; the workers are stopped and their figures returned. */
    WorkerStats finish() throws Exception {
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
        worker.stop();
        stats = workerRun.get();
        // The generations and charges follow through the outbox, asynchronously: wait for them, then count
        // (rows a dying relay had reserved come back after its 60 s in-flight timeout).
        Await.until("one generation and one spend per task", Duration.ofSeconds(120), () ->
                generations() >= expected && spends() >= expected);
        assertThat(generations()).as("one generation per task").isEqualTo(expected);
        assertThat(spends()).as("one spend per task").isEqualTo(expected);
        assertThat(stats.completed()).as("no task completed by two workers").isLessThanOrEqualTo(expected);
        return stats;
    }

    private long generations() {
        return Platform.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid AND task_id IS NOT NULL",
                tenant.projectId());
    }

    private long spends() {
        return Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                tenant.userId());
    }

    /** The load's own figures (users' requests, workers' calls), to which a scenario adds its fault's. */
    Figures figures(String scenario) {
        return new Figures(scenario).put("create_requests", creators.requests()).put("create_retries", creators.retries())
                .put("create_replays_200", creators.replays()).put("create_statuses", creators.statuses())
                .put("worker_claims", stats.claimed()).put("worker_completions", stats.completed())
                .put("worker_leases_lost", stats.leasesLost()).put("worker_errors_retried", stats.errors())
                .put("keys", expected);
    }

    @Override
    public void close() {
        worker.stop();
        background.shutdownNow();
    }
}
