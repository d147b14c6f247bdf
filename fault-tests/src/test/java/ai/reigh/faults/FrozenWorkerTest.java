package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;

/**
 * Scenario 3: a worker process frozen with SIGSTOP while it holds a task, past its lease. The reaper
 * takes the task back, another worker claims and finishes it; when the frozen worker is thawed
 * (SIGCONT) its completion with the old lease gets 409 {@code lease_lost} and writes nothing: no
 * second generation, no second spend, the task as the other worker left it.
 */
class FrozenWorkerTest {
    private static final String SCENARIO = "worker frozen with SIGSTOP past its lease";

    @Test
    void aFrozenWorkersTaskIsFinishedByAnotherAndItsLateCompletionWritesNothing() throws Exception {
        Platform.Tenant tenant = Platform.newTenant("frozen", new BigDecimal("100"));
        String taskId = Platform.createTask(tenant, "single_image", "frozen worker");
        Invariants.LedgerSnapshot ledger = Invariants.snapshotLedger();

        Process frozen = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                FrozenWorkerMain.class.getName(), Platform.system().gatewayUrl(), tenant.workerToken(),
                "frozen-worker", "https://cdn.example.test/frozen.png"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(frozen.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (java.io.IOException closed) {
                lines.add("EOF " + closed.getMessage());
            }
        }, "frozen-worker-output");
        reader.start();
        try {
            String claimed = next(lines, Duration.ofSeconds(60));
            assertThat(claimed).startsWith("CLAIMED " + taskId + " ");
            assertThat(next(lines, Duration.ofSeconds(20))).isEqualTo("STARTED 200");
            signal("STOP", frozen.pid());
            Await.until("the worker process is stopped", Duration.ofSeconds(5), () -> state(frozen.pid()) == 'T');
            long frozenAt = System.nanoTime();

            double requeued = Await.until("the reaper takes the frozen worker's task back", Duration.ofSeconds(30),
                    () -> "Queued".equals(Platform.sql(sql -> sql.value("SELECT status FROM tasks WHERE id = ?::uuid", taskId))));
            Map<String, Object> rescue = Api.as(tenant.workerToken())
                    .body(Map.of("worker_id", "rescuer", "limit", 1, "wait_seconds", 10)).post("/v1/workers/claim")
                    .then().statusCode(200).extract().path("tasks[0]");
            assertThat(rescue).containsEntry("id", taskId);
            String lease = (String) rescue.get("lease_token");
            Api.as(tenant.workerToken()).body(Map.of("lease_token", lease)).post("/v1/workers/tasks/" + taskId + "/start")
                    .then().statusCode(200);
            Api.as(tenant.workerToken()).body(Map.of("lease_token", lease, "output_location", "https://cdn.example.test/rescued.png",
                    "result_data", Map.of("worker", "rescuer"))).post("/v1/workers/tasks/" + taskId + "/complete")
                    .then().statusCode(200);
            Await.until("the rescued task's generation and spend", Duration.ofSeconds(30), () ->
                    Platform.count("SELECT count(*) FROM generations WHERE task_id = ?::uuid", taskId) == 1
                    && Platform.count("SELECT count(*) FROM credits_ledger WHERE task_id = ?::uuid AND type = 'spend'", taskId) == 1);
            String taskBefore = taskRow(taskId);
            Invariants.LedgerSnapshot afterRescue = Invariants.snapshotLedger();
            assertThat(state(frozen.pid())).as("still frozen while the other worker finished").isEqualTo('T');
            double frozenSeconds = (System.nanoTime() - frozenAt) / 1e9;

            signal("CONT", frozen.pid());
            assertThat(next(lines, Duration.ofSeconds(30))).as("the thawed worker's late completion")
                    .isEqualTo("COMPLETED 409 lease_lost");
            assertThat(frozen.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(frozen.exitValue()).isZero();

            assertThat(taskRow(taskId)).as("the task as the rescuing worker left it").isEqualTo(taskBefore);
            assertThat(taskBefore).contains("rescued.png").contains("rescuer").doesNotContain("frozen.png");
            assertThat(Platform.count("SELECT count(*) FROM generations WHERE task_id = ?::uuid", taskId)).isEqualTo(1);
            assertThat((Object) Platform.sql(sql -> sql.value("SELECT url FROM generations WHERE task_id = ?::uuid", taskId)))
                    .isEqualTo("https://cdn.example.test/rescued.png");
            assertThat(Platform.count("SELECT count(*) FROM task_outbox WHERE task_id = ?::uuid", taskId)).isEqualTo(2);
            assertThat(Platform.count("SELECT attempts FROM tasks WHERE id = ?::uuid", taskId)).isEqualTo(2);
            Map<String, Object> checked = Invariants.check(SCENARIO, afterRescue);
            assertThat(Invariants.snapshotLedger().rows()).as("the late completion wrote no ledger row")
                    .isEqualTo(afterRescue.rows());
            assertThat(afterRescue.rows().keySet()).containsAll(ledger.rows().keySet());
            new Figures(SCENARIO).put("faults_injected", 1).put("frozen_s", frozenSeconds)
                    .put("requeued_after_freeze_s", requeued).put("late_completion", "409 lease_lost")
                    .put("generations_for_task", 1).put("spends_for_task", 1).putAll(checked).print();
        } finally {
            if (frozen.isAlive()) {
                signal("CONT", frozen.pid());
                frozen.destroyForcibly();
            }
        }
    }

    private static String taskRow(String taskId) {
        return (String) Platform.sql(sql -> sql.value("SELECT concat_ws('|', status, output_location, worker_id,"
                + " result_data::text, attempts, lease_token, generation_processed_at, updated_at, completion_hash)"
                + " FROM tasks WHERE id = ?::uuid", taskId));
    }

    private static String next(BlockingQueue<String> lines, Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("the worker process printed nothing within " + timeout.toSeconds() + " s");
        }
        return line;
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %s", signal, pid).isZero();
    }

    /** The process state letter from /proc (T: stopped by a signal). */
    private static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no process " + pid, e);
        }
    }
}
