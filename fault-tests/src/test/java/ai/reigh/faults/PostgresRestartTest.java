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

import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.devtools.worker.ReferenceWorker;
import ai.reigh.devtools.worker.WorkerStats;

/**
 * Scenario 2: PostgreSQL stops at once ({@code pg_ctl stop -m immediate}, as in a crash) while users
 * create tasks and workers run them, then starts again. While it is down every service says it is not
 * ready (503 on {@code /q/health/ready}); once it is back they are ready again by themselves within
 * seconds (their pools reconnect), the clients' retries succeed, and the invariants hold.
 */
class PostgresRestartTest {
    private static final String SCENARIO = "PostgreSQL restarted mid-load";
    private static final int CREATOR_THREADS = 4;
    private static final int TASKS_PER_CREATOR = 6;

    private boolean crashed;

    @Test
    void servicesReportNotReadyWhileTheDatabaseIsDownAndRecoverByThemselves() throws Exception {
        Platform.Tenant tenant = Platform.newTenant("pgcrash", new BigDecimal("5000"));
        Invariants.LedgerSnapshot ledger = Invariants.snapshotLedger();
        ReferenceWorker worker = Platform.referenceWorker(tenant, 3, "pgcrash");
        ExecutorService background = Executors.newSingleThreadExecutor();
        Future<WorkerStats> workerRun = background.submit(worker::run);
        TaskCreators creators = new TaskCreators(tenant, "pgcrash", CREATOR_THREADS, TASKS_PER_CREATOR,
                Duration.ofMillis(300)).start();
        try {
            Await.until("a quarter of the tasks created and one running", Duration.ofSeconds(60), () ->
                    Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid", tenant.projectId())
                            >= CREATOR_THREADS * TASKS_PER_CREATOR / 4
                    && Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND status <> 'Queued'",
                            tenant.projectId()) >= 1);
            EmbeddedPostgres postgres = EmbeddedPostgres.shared();
            // A commit the services acknowledged must survive the crash, as in production (the test cluster
            // runs with synchronous_commit=off otherwise, and then loses the last acknowledged tasks).
            assertThat((Object) Platform.sql(sql -> sql.value("SHOW synchronous_commit"))).isEqualTo("on");
            long crashedAt = System.nanoTime();
            crashed = true;
            postgres.crash();
            double notReady = Await.until("every service reports not-ready (503) while the database is down",
                    Duration.ofSeconds(30), () -> SystemUnderTest.SERVICES.stream()
                            .allMatch(service -> Platform.readiness(service) == 503));
            postgres.restart();
            double downSeconds = (System.nanoTime() - crashedAt) / 1e9;
            double readyAgain = Await.until("every service ready again by itself", Duration.ofSeconds(30), () ->
                    SystemUnderTest.SERVICES.stream().allMatch(service -> Platform.readiness(service) == 200));
            assertThat(readyAgain).as("services reconnect within seconds").isLessThan(15.0);

            creators.awaitDone(Duration.ofSeconds(150));
            assertThat(creators.failures()).as("every create succeeded in the end, with its own key").isEmpty();
            int expected = creators.expectedKeys();
            assertThat(creators.taskIdByKey()).hasSize(expected);
            assertThat(creators.statuses().keySet()).as("failures a client can retry, never a 500")
                    .isSubsetOf(-1, 200, 201, 502, 503, 504);
            Map<String, String> stored = new HashMap<>();
            for (List<Object> row : Platform.sql(sql -> sql.query(
                    "SELECT idempotency_key, id::text FROM tasks WHERE project_id = ?::uuid", tenant.projectId()))) {
                assertThat(stored.put((String) row.get(0), (String) row.get(1))).as("one task per key").isNull();
            }
            assertThat(stored).as("every task a user was answered for survived the crash, one per key")
                    .isEqualTo(creators.taskIdByKey());
            Await.until("every task Complete", Duration.ofSeconds(120), () -> Platform.count(
                    "SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND status = 'Complete'", tenant.projectId())
                    == expected);
            worker.stop();
            WorkerStats stats = workerRun.get();
            // The generations and charges follow through the outbox, asynchronously: wait for them, then count
            // (rows a dying relay had reserved come back after its 60 s in-flight timeout).
            Await.until("one generation and one spend per task", Duration.ofSeconds(120), () ->
                    Platform.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid AND task_id IS NOT NULL",
                            tenant.projectId()) >= expected
                    && Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                            tenant.userId()) >= expected);
            assertThat(Platform.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid AND task_id IS NOT NULL",
                    tenant.projectId())).isEqualTo(expected);
            assertThat(Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                    tenant.userId())).isEqualTo(expected);

            Map<String, Object> checked = Invariants.check(SCENARIO, ledger);
            new Figures(SCENARIO).put("faults_injected", 1).put("all_not_ready_within_s", notReady)
                    .put("database_down_s", downSeconds).put("all_ready_again_within_s", readyAgain)
                    .put("create_requests", creators.requests()).put("create_retries", creators.retries())
                    .put("create_replays_200", creators.replays()).put("create_statuses", creators.statuses())
                    .put("worker_claims", stats.claimed()).put("worker_completions", stats.completed())
                    .put("worker_leases_lost", stats.leasesLost()).put("worker_errors_retried", stats.errors())
                    .put("keys", expected).putAll(checked).print();
        } finally {
            worker.stop();
            background.shutdownNow();
            restartIfDown();
        }
    }

    /** A failed assertion while the database is down must not leave it down for the next scenario. */
    private void restartIfDown() {
        if (!crashed) {
            return;
        }
        try (java.sql.Connection probe = EmbeddedPostgres.shared().connectAs(EmbeddedPostgres.OWNER)) {
            probe.isValid(2);
        } catch (java.sql.SQLException down) {
            EmbeddedPostgres.shared().restart();
        }
    }
}
