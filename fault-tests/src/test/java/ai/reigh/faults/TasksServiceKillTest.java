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

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.ServiceProcess;
import ai.reigh.devtools.worker.ReferenceWorker;
import ai.reigh.devtools.worker.WorkerStats;

/**
 * Scenario 1: tasks-service is killed with SIGKILL while users create tasks (idempotency keys,
 * retries) and workers claim and complete them, then started again. Nothing may be lost or done
 * twice: every key has exactly one task, every task ends Complete once with one generation and one
 * spend, and after the restart the reaper leaves no In Progress task without a live lease.
 */
class TasksServiceKillTest {
    private static final String SCENARIO = "kill -9 tasks-service under load";
    private static final int CREATOR_THREADS = 4;
    private static final int TASKS_PER_CREATOR = 8;

    @Test
    void noTaskLostOrDoneTwiceWhenTasksServiceIsKilledUnderLoad() throws Exception {
        Platform.Tenant tenant = Platform.newTenant("kill9", new BigDecimal("5000"));
        Invariants.LedgerSnapshot ledger = Invariants.snapshotLedger();
        ReferenceWorker worker = Platform.referenceWorker(tenant, 3, "kill9");
        ExecutorService background = Executors.newSingleThreadExecutor();
        Future<WorkerStats> workerRun = background.submit(worker::run);
        TaskCreators creators = new TaskCreators(tenant, "kill9", CREATOR_THREADS, TASKS_PER_CREATOR,
                Duration.ofMillis(250)).start();
        try {
            // The fault lands mid-load: some tasks created, some claimed or running, most still to come.
            Await.until("a quarter of the tasks created and one running", Duration.ofSeconds(60), () ->
                    Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid", tenant.projectId())
                            >= CREATOR_THREADS * TASKS_PER_CREATOR / 4
                    && Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND status <> 'Queued'",
                            tenant.projectId()) >= 1);
            // A worker that dies with the service: it claims one task and is never heard of again. After the
            // restart the reaper must take that task back (its lease runs out) for the live workers to finish.
            Map<String, Object> ghostClaim = Api.as(tenant.workerToken())
                    .body(Map.of("worker_id", "kill9-ghost", "limit", 1, "wait_seconds", 10)).post("/v1/workers/claim")
                    .then().statusCode(200).extract().path("tasks[0]");
            String ghostTask = (String) ghostClaim.get("id");
            long inFlightAtKill = Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid"
                    + " AND status = 'In Progress'", tenant.projectId());
            ServiceProcess tasks = Platform.system().service("tasks");
            long killedAt = System.nanoTime();
            tasks.kill();
            tasks.start();
            double downSeconds = (System.nanoTime() - killedAt) / 1e9;
            double reaped = Await.until("expired leases reaped after the restart", Duration.ofSeconds(20), () ->
                    Platform.count("SELECT count(*) FROM tasks WHERE status = 'In Progress'"
                            + " AND lease_expires_at < now() - interval '2 seconds'") == 0
                    && Platform.count("SELECT count(*) FROM tasks WHERE id = ?::uuid AND worker_id = 'kill9-ghost'"
                            + " AND status = 'In Progress'", ghostTask) == 0);

            creators.awaitDone(Duration.ofSeconds(150));
            assertThat(creators.failures()).as("every create succeeded in the end, with its own key").isEmpty();
            int expected = creators.expectedKeys();
            assertThat(creators.taskIdByKey()).hasSize(expected);
            Await.until("every task Complete", Duration.ofSeconds(120), () -> Platform.count(
                    "SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND status = 'Complete'", tenant.projectId())
                    == expected);
            worker.stop();
            WorkerStats stats = workerRun.get();

            Map<String, String> stored = new HashMap<>();
            for (List<Object> row : Platform.sql(sql -> sql.query(
                    "SELECT idempotency_key, id::text FROM tasks WHERE project_id = ?::uuid", tenant.projectId()))) {
                assertThat(stored.put((String) row.get(0), (String) row.get(1))).as("one task per key").isNull();
            }
            assertThat(stored).as("exactly the tasks the users were answered, one per key")
                    .isEqualTo(creators.taskIdByKey());
            // The generations and charges follow through the outbox, asynchronously: wait for them, then count
            // (rows a dying relay had reserved come back after its 60 s in-flight timeout).
            Await.until("one generation and one spend per task", Duration.ofSeconds(120), () ->
                    Platform.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid AND task_id IS NOT NULL",
                            tenant.projectId()) >= expected
                    && Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                            tenant.userId()) >= expected);
            assertThat(Platform.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid AND task_id IS NOT NULL",
                    tenant.projectId())).as("one generation per task").isEqualTo(expected);
            assertThat(Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                    tenant.userId())).as("one spend per task").isEqualTo(expected);
            assertThat(stats.completed()).as("no task completed by two workers").isLessThanOrEqualTo(expected);
            assertThat(Platform.sql(sql -> sql.query("SELECT status, worker_id, attempts FROM tasks WHERE id = ?::uuid",
                    ghostTask)).get(0)).as("the dead worker's task, reclaimed and finished by a live worker")
                    .satisfies(row -> {
                        assertThat(row.get(0)).isEqualTo("Complete");
                        assertThat((String) row.get(1)).startsWith("kill9-");
                        assertThat((String) row.get(1)).isNotEqualTo("kill9-ghost");
                        assertThat(((Number) row.get(2)).intValue()).isGreaterThanOrEqualTo(2);
                    });

            Map<String, Object> checked = Invariants.check(SCENARIO, ledger);
            new Figures(SCENARIO).put("faults_injected", 1).put("tasks_in_progress_at_kill", inFlightAtKill)
                    .put("tasks_service_down_s", downSeconds).put("dead_workers_task_reclaimed_within_s", reaped)
                    .put("create_requests", creators.requests()).put("create_retries", creators.retries())
                    .put("create_replays_200", creators.replays()).put("create_statuses", creators.statuses())
                    .put("worker_claims", stats.claimed()).put("worker_completions", stats.completed())
                    .put("worker_leases_lost", stats.leasesLost()).put("worker_errors_retried", stats.errors())
                    .put("keys", expected).putAll(checked).print();
        } finally {
            worker.stop();
            background.shutdownNow();
        }
    }
}
