package ai.reigh.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.devtools.worker.ReferenceWorker;
import ai.reigh.devtools.worker.WorkerOptions;
import ai.reigh.devtools.worker.WorkerStats;
import io.restassured.RestAssured;

/**
 * The platform's main job end to end: tasks created by a user through the gateway are run by the
 * reference worker (heartbeats, long-poll claims, start, upload through a presigned URL, complete),
 * and every one ends Complete with exactly one generation (linked to its shot where asked) and exactly
 * one charge, the balance equal to the ledger. A worker that crashes mid-task loses nothing: its lease
 * expires and another worker finishes the task.
 */
class ReferenceWorkerSystemTest {
    private static final int TASKS = 12;

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    @Test
    void tasksRunByTheReferenceWorkerEndWithOneGenerationAndOneChargeEach() throws Exception {
        UUID user = UUID.randomUUID();
        String token = Tokens.user(user);
        Api.as(token).get("/v1/me").then().statusCode(200);
        Api.as(Tokens.admin(UUID.randomUUID())).body(Map.of("user_id", user.toString(), "amount", new BigDecimal("100"),
                "reason", "e2e", "idempotency_key", "e2e-" + user)).post("/v1/admin/credits/grants").then().statusCode(201);
        String project = Api.as(token).body(Map.of("name", "End to end")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        String shot = Api.as(token).body(Map.of("name", "Opening")).post("/v1/projects/" + project + "/shots").then()
                .statusCode(201).extract().path("id");
        Map<String, String> shotOfTask = new HashMap<>();
        for (int i = 0; i < TASKS; i++) {
            Map<String, Object> params = new HashMap<>(Map.of("prompt", "frame " + i));
            if (i % 2 == 0) {
                params.put("shot_id", shot);
                params.put("add_in_position", true);
            }
            String type = i % 3 == 0 ? "wan_2_2_i2v" : "single_image";
            String id = Api.as(token).body(Map.of("project_id", project, "task_type", type, "params", params))
                    .post("/v1/tasks").then().statusCode(201).extract().path("id");
            if (i % 2 == 0) {
                shotOfTask.put(id, shot);
            }
        }
        // A local worker bound to this user, so that other tests' tasks are not ours to take.
        String workerToken = Tokens.localWorker(user);
        ExecutorService running = Executors.newFixedThreadPool(2);

        // One worker claims a task and crashes with it: no more heartbeats, no completion.
        ReferenceWorker crasher = worker(workerToken, 1, 1.0, "e2e-crasher");
        Future<WorkerStats> crashed = running.submit(call(crasher));
        await(Duration.ofSeconds(60), () -> crasher.stats().crashes() >= 1);
        crasher.stop();
        assertThat(crashed.get().crashes()).isEqualTo(1);

        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            // Only the crasher has claimed yet: the one task claimed once is the one it abandoned.
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND attempts > 0", project))
                    .isEqualTo(1);
            String abandoned = sql.value("SELECT id::text FROM tasks WHERE project_id = ?::uuid AND attempts = 1",
                    project).toString();
            ReferenceWorker healthy = worker(workerToken, 3, 0.0, "e2e-healthy");
            Future<WorkerStats> healthyRun = running.submit(call(healthy));
            await(Duration.ofSeconds(120), () -> sql.count(
                    "SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND status = 'Complete'", project) == TASKS);
            healthy.stop();
            WorkerStats stats = healthyRun.get();
            assertThat(stats.completed()).as("the healthy workers finished every task, the crashed one's too")
                    .isEqualTo(TASKS);
            assertThat(sql.value("SELECT attempts FROM tasks WHERE id = ?::uuid", abandoned))
                    .as("the crashed task was claimed again after its lease expired").isEqualTo(2);
            // A healthy worker's error (a call that timed out on a loaded machine) also leaves its task to
            // be claimed again; nothing else may.
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND attempts > 1 AND id <> ?::uuid",
                    project, abandoned)).as("tasks claimed twice besides the crashed one; the healthy workers' errors: %s",
                            stats.errorSamples()).isLessThanOrEqualTo(stats.errors());

            // The outbox delivers the generations and charges (at least once, with exactly-once effects).
            await(Duration.ofSeconds(60), () -> sql.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid"
                    + " AND task_id IS NOT NULL", project) == TASKS
                    && sql.count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'", user) == TASKS);
            assertThat(sql.count("SELECT count(DISTINCT task_id) FROM generations WHERE project_id = ?::uuid", project))
                    .isEqualTo(TASKS);
            assertThat(sql.count("SELECT count(DISTINCT task_id) FROM credits_ledger WHERE user_id = ? AND type = 'spend'",
                    user)).isEqualTo(TASKS);
            for (Map.Entry<String, String> linked : shotOfTask.entrySet()) {
                assertThat(sql.count("SELECT count(*) FROM shot_generations l JOIN generations g ON g.id = l.generation_id"
                        + " WHERE g.task_id = ?::uuid AND l.shot_id = ?::uuid AND l.position IS NOT NULL",
                        linked.getKey(), linked.getValue())).as("task " + linked.getKey() + " linked in position")
                        .isEqualTo(1);
            }
            assertThat(sql.value("SELECT (SELECT total_credits FROM users WHERE id = ?)"
                    + " = (SELECT sum(amount) FROM credits_ledger WHERE user_id = ?)", user, user)).isEqualTo(true);
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid AND output_location IS NULL",
                    project)).isZero();
        } finally {
            running.shutdownNow();
        }
    }

    private static ReferenceWorker worker(String token, int workers, double crashRate, String prefix) {
        WorkerOptions options = WorkerOptions.parse(new String[] { "--gateway", SystemUnderTest.shared().gatewayUrl(),
                "--token", token, "--workers", String.valueOf(workers), "--task-seconds", "0.2", "--output-bytes", "4096",
                "--wait-seconds", "2", "--heartbeat-seconds", "1", "--reboot-seconds", "1", "--crash-rate",
                String.valueOf(crashRate), "--id-prefix", prefix, "--quiet" });
        return new ReferenceWorker(options, System.out);
    }

    private static Callable<WorkerStats> call(ReferenceWorker worker) {
        return worker::run;
    }

    private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not reached within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

}
