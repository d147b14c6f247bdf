package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.ServiceProcess;

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
        try (LoadUnderFault load = LoadUnderFault.start("kill9", CREATOR_THREADS, TASKS_PER_CREATOR,
                Duration.ofMillis(250))) {
            // The fault lands mid-load: some tasks created, some claimed or running, most still to come.
            load.awaitMidLoad();
            Platform.Tenant tenant = load.tenant();
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

            // No task lost (one per key, the one answered) or done twice (one generation, one spend each).
            load.finish();
            assertThat(Platform.sql(sql -> sql.query("SELECT status, worker_id, attempts FROM tasks WHERE id = ?::uuid",
                    ghostTask)).get(0)).as("the dead worker's task, reclaimed and finished by a live worker")
                    .satisfies(row -> {
                        assertThat(row.get(0)).isEqualTo("Complete");
                        assertThat((String) row.get(1)).startsWith("kill9-");
                        assertThat((String) row.get(1)).isNotEqualTo("kill9-ghost");
                        assertThat(((Number) row.get(2)).intValue()).isGreaterThanOrEqualTo(2);
                    });

            Map<String, Object> checked = Invariants.check(SCENARIO, load.ledger());
            load.figures(SCENARIO).put("faults_injected", 1).put("tasks_in_progress_at_kill", inFlightAtKill)
                    .put("tasks_service_down_s", downSeconds).put("dead_workers_task_reclaimed_within_s", reaped)
                    .putAll(checked).print();
        }
    }
}
