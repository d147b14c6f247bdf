package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
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
import io.restassured.path.json.JsonPath;

/**
 * Scenario 4: projects-service and credits-service (the receivers of a completion's generation and
 * charge) are killed while workers complete tasks. Completions still succeed for the workers (the
 * effects wait in the outbox, written in the completing transaction); when the services return the
 * relay catches up: every generation and every spend appears, none twice. Meanwhile another user's
 * orchestrator has two children completed and is then cancelled (security review, finding 1): each
 * child is charged its own price when credits-service returns, which the invariants' "Σ spends = Σ
 * prices of Complete work" checks along with everything else.
 */
class ReceiversDownTest {
    private static final String SCENARIO = "projects-service and credits-service down during completions";
    private static final int TASKS = 12;

    @Test
    void completionsSucceedWhileTheReceiversAreDownAndTheOutboxCatchesUpOnce() throws Exception {
        Platform.Tenant tenant = Platform.newTenant("receivers", new BigDecimal("1000"));
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            taskIds.add(Platform.createTask(tenant, i % 3 == 0 ? "wan_2_2_i2v" : "single_image", "receivers down " + i));
        }
        Platform.Tenant orchestrating = Platform.newTenant("receivers-orchestration", new BigDecimal("1000"));
        String orchestrator = Platform.createTask(orchestrating, "travel_orchestrator", "receivers down orchestration");
        Invariants.LedgerSnapshot ledger = Invariants.snapshotLedger();
        ServiceProcess projects = Platform.system().service("projects");
        ServiceProcess credits = Platform.system().service("credits");
        projects.kill();
        credits.kill();
        long downAt = System.nanoTime();
        List<String> children = completeChildrenThenCancel(orchestrating, orchestrator);

        ReferenceWorker worker = Platform.referenceWorker(tenant, 3, "receivers");
        ExecutorService background = Executors.newFixedThreadPool(2);
        Future<WorkerStats> workerRun = background.submit(worker::run);
        try {
            double completed = Await.until("every task Complete while the receivers are down", Duration.ofSeconds(90), () ->
                    Platform.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND status = 'Complete'",
                            tenant.projectId()) == TASKS);
            worker.stop();
            WorkerStats stats = workerRun.get();
            assertThat(stats.completed()).as("every completion succeeded for the workers").isEqualTo(TASKS);
            assertThat(stats.errors()).as("no worker call failed").isZero();
            Await.until("the relay tried every effect and failed", Duration.ofSeconds(20), () -> Platform.count(
                    "SELECT count(*) FROM task_outbox o JOIN tasks t ON t.id = o.task_id WHERE t.project_id = ?::uuid"
                            + " AND o.delivered_at IS NULL AND o.attempts >= 1 AND o.last_error IS NOT NULL",
                    tenant.projectId()) == 2L * TASKS);
            assertThat(Platform.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid", tenant.projectId()))
                    .as("no generation while projects-service is down").isZero();
            assertThat(Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                    tenant.userId())).as("no spend while credits-service is down").isZero();
            double downSeconds = (System.nanoTime() - downAt) / 1e9;

            // Both return (started side by side: two boots on two cores).
            Future<?> projectsBack = background.submit((Runnable) projects::start);
            Future<?> creditsBack = background.submit((Runnable) credits::start);
            projectsBack.get();
            creditsBack.get();
            long backAt = System.nanoTime();
            double caughtUp = Await.until("the outbox delivered every generation and spend", Duration.ofSeconds(60), () ->
                    Platform.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid AND task_id IS NOT NULL",
                            tenant.projectId()) == TASKS
                    && Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                            tenant.userId()) == TASKS);
            double sinceBack = (System.nanoTime() - backAt) / 1e9;
            long attempts = Platform.count("SELECT sum(o.attempts) FROM task_outbox o JOIN tasks t ON t.id = o.task_id"
                    + " WHERE t.project_id = ?::uuid", tenant.projectId());
            Await.until("a spend for each child of the cancelled orchestrator", Duration.ofSeconds(60), () ->
                    Platform.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                            orchestrating.userId()) == children.size());
            for (String child : children) {
                assertThat(Platform.count("SELECT count(*) FROM credits_ledger WHERE task_id = ?::uuid AND type = 'spend'"
                        + " AND metadata ->> 'parent_task_id' = ?", child, orchestrator)).as("the spend of child %s", child)
                        .isEqualTo(1);
            }
            for (String taskId : taskIds) {
                assertThat(Platform.count("SELECT count(*) FROM generations WHERE task_id = ?::uuid", taskId)).isEqualTo(1);
                assertThat(Platform.count("SELECT count(*) FROM credits_ledger WHERE task_id = ?::uuid AND type = 'spend'",
                        taskId)).isEqualTo(1);
            }
            Map<String, Object> checked = Invariants.check(SCENARIO, ledger);
            new Figures(SCENARIO).put("faults_injected", 2).put("tasks_completed_while_down", TASKS)
                    .put("completions_within_s", completed).put("receivers_down_s", downSeconds)
                    .put("caught_up_after_return_s", sinceBack).put("caught_up_poll_s", caughtUp)
                    .put("relay_delivery_attempts", attempts).put("worker_claims", stats.claimed())
                    .put("worker_completions", stats.completed()).putAll(checked).print();
        } finally {
            worker.stop();
            background.shutdownNow();
            // Whatever happened, the next scenario needs the whole platform.
            if (!projects.isReady()) {
                projects.start();
            }
            if (!credits.isReady()) {
                credits.start();
            }
        }
    }

    /**
     * Claims the tenant's orchestrator, creates a segment and a stitch under it, runs both to Complete
     * with the tenant's local worker and cancels the orchestrator: the children's ids.
     */
    private static List<String> completeChildrenThenCancel(Platform.Tenant tenant, String orchestrator) {
        String worker = tenant.workerToken();
        JsonPath parent = claimOne(worker);
        assertThat(parent.getString("tasks[0].id")).isEqualTo(orchestrator);
        List<String> children = new ArrayList<>();
        for (String type : List.of("travel_segment", "travel_stitch")) {
            children.add(Api.as(worker).body(Map.of("parent_task_id", orchestrator, "lease_token",
                    parent.getString("tasks[0].lease_token"), "task_type", type, "params", Map.of("prompt", type)))
                    .post("/v1/workers/tasks").then().statusCode(201).extract().path("id"));
        }
        for (int i = 0; i < children.size(); i++) {
            JsonPath claimed = claimOne(worker);
            String id = claimed.getString("tasks[0].id");
            String lease = claimed.getString("tasks[0].lease_token");
            assertThat(id).isEqualTo(children.get(i));
            Api.as(worker).body(Map.of("lease_token", lease)).post("/v1/workers/tasks/" + id + "/start").then()
                    .statusCode(200);
            Api.as(worker).body(Map.of("lease_token", lease, "output_location", "https://cdn.example.com/" + id + ".mp4"))
                    .post("/v1/workers/tasks/" + id + "/complete").then().statusCode(200);
        }
        Api.as(tenant.token()).post("/v1/tasks/" + orchestrator + "/cancel").then().statusCode(200);
        return children;
    }

    private static JsonPath claimOne(String worker) {
        JsonPath claim = Api.as(worker).body(Map.of("worker_id", "receivers-orchestration", "wait_seconds", 5))
                .post("/v1/workers/claim").then().statusCode(200).extract().jsonPath();
        assertThat(claim.getList("tasks")).hasSize(1);
        return claim;
    }
}
