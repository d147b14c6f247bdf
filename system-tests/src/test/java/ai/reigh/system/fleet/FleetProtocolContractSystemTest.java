package ai.reigh.system.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.devtools.http.ApiResponse;
import ai.reigh.devtools.http.EdgeClient;
import ai.reigh.devtools.worker.OutputGenerator;
import io.restassured.RestAssured;

/**
 * The deployed GPU fleet's protocol (../shared/REAL-WORKER-PROTOCOL.md), spoken exactly as the fleet
 * speaks it — {@code Authorization} and {@code apikey}, {@code Prefer} on the heartbeat RPC, the same
 * bodies, 3 tries 1/2/4 s apart on 5xx, timeouts and a 404 that says "not found", and exactly 200 as
 * success — through the gateway against the whole platform as processes: every call the fleet makes,
 * every guarantee the platform adds (fencing by credential, billing, the worker of a requeued task
 * forgotten). Afterwards the fault tests' invariants hold for everything this test did: one generation
 * and one charge per billable task, each user's balance equal to their ledger.
 */
class FleetProtocolContractSystemTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The guardians of the workers that are alive: they beat every 1.5 s (the suite's fleet lease is 6 s). */
    private static final Map<String, EdgeClient> ALIVE = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService GUARDIANS = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fleet-guardians");
        thread.setDaemon(true);
        return thread;
    });
    private static String gateway;
    private static UUID user;
    private static String userToken;
    private static String project;

    @BeforeAll
    static void platform() {
        gateway = SystemUnderTest.shared().gatewayUrl();
        RestAssured.baseURI = gateway;
        user = UUID.randomUUID();
        userToken = Tokens.user(user);
        Api.as(userToken).get("/v1/me").then().statusCode(200);
        Api.as(Tokens.admin(UUID.randomUUID())).body(Map.of("user_id", user.toString(), "amount", new BigDecimal("500"),
                "reason", "fleet contract", "idempotency_key", "fleet-" + user)).post("/v1/admin/credits/grants").then()
                .statusCode(201);
        project = Api.as(userToken).body(Map.of("name", "Fleet contract")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        GUARDIANS.scheduleWithFixedDelay(() -> ALIVE.forEach((workerId, fleet) -> fleet.heartbeat(Map.of(
                "worker_id_param", workerId, "vram_total_mb_param", 24576, "vram_used_mb_param", 20000, "logs_param",
                List.of(), "status_param", "active"))), 1500, 1500, TimeUnit.MILLISECONDS);
    }

    /**
     * A worker of the fleet on the user's own computer: its token is bound to the user and names the
     * worker; its guardian beats until the worker is frozen.
     */
    private static EdgeClient worker(String workerId) {
        EdgeClient fleet = new EdgeClient(gateway, Tokens.localFleetWorker(user, workerId));
        ALIVE.put(workerId, fleet);
        return fleet;
    }

    /** The worker (and so its guardian) stops: no more heartbeats. */
    private static void freeze(String workerId) {
        ALIVE.remove(workerId);
    }

    private static String task(String type, Map<String, Object> params) {
        return Api.as(userToken).body(Map.of("project_id", project, "task_type", type, "params", params))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");
    }

    private static ApiResponse call(EdgeClient fleet, String function, Map<String, Object> body) {
        return fleet.function(function, body, Duration.ofSeconds(30));
    }

    private static JsonNode ok(ApiResponse answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.body();
    }

    /** claim-next-task as the fleet sends it (15 s, no retry); the task it got. */
    private static JsonNode claim(EdgeClient fleet, String workerId) {
        Map<String, Object> body = Map.of("worker_id", workerId, "run_type", "gpu", "same_model_only", true,
                "max_task_wait_minutes", 5);
        return ok(fleet.functionOnce("claim-next-task", body, Duration.ofSeconds(15)));
    }

    private static JsonNode beat(EdgeClient fleet, String workerId, String status) {
        Map<String, Object> body = new HashMap<>();
        body.put("worker_id_param", workerId);
        body.put("vram_total_mb_param", 24576);
        body.put("vram_used_mb_param", 20000);
        body.put("logs_param", List.of(Map.of("timestamp", "2026-04-01T10:00:00+00:00", "level", "INFO", "message",
                "heartbeat", "metadata", Map.of())));
        body.put("status_param", status);
        JsonNode answer = ok(fleet.heartbeat(body));
        assertThat(answer.path("success").asBoolean()).isTrue();
        return answer;
    }

    private static void startBilling(EdgeClient fleet, String taskId) {
        ok(call(fleet, "update-task-status", Map.of("task_id", taskId, "status", "In Progress",
                "reset_generation_started_at", true)));
    }

    private static Object column(String taskId, String column) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.value("SELECT " + column + " FROM tasks WHERE id = ?::uuid", taskId);
        }
    }

    private static byte[] get(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).as("GET " + url).isEqualTo(200);
        return answer.body();
    }

    private static byte[] jpeg() throws IOException {
        BufferedImage image = new BufferedImage(64, 36, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void aTaskIsClaimedStartedAndCompletedInline() throws Exception {
        String taskId = task("single_image", Map.of("prompt", "a lighthouse at dawn", "model_name", "flux"));
        EdgeClient fleet = worker("inline-1");
        ok(call(fleet, "task-counts", Map.of("run_type", "gpu", "include_active", true)));
        ok(call(fleet, "update-worker-model", Map.of("worker_id", "inline-1", "current_model", "flux")));
        JsonNode claimed = claim(fleet, "inline-1");
        assertThat(claimed.path("task_id").asText()).isEqualTo(taskId);
        assertThat(claimed.path("task_type").asText()).isEqualTo("single_image");
        assertThat(claimed.path("project_id").asText()).isEqualTo(project);
        assertThat(claimed.path("params").path("prompt").asText()).isEqualTo("a lighthouse at dawn");
        assertThat(claimed.path("attempts").asInt(-1)).isZero();
        startBilling(fleet, taskId);
        beat(fleet, "inline-1", "active");

        byte[] png = OutputGenerator.forTask("single_image", 200_000, 7).bytes();
        JsonNode done = ok(call(fleet, "complete_task", Map.of("task_id", taskId, "filename", "output.png", "file_data",
                Base64.getEncoder().encodeToString(png))));
        String publicUrl = done.path("public_url").asText();
        assertThat(get(publicUrl)).isEqualTo(png);
        assertThat(column(taskId, "status")).isEqualTo("Complete");
        assertThat(column(taskId, "output_location")).isEqualTo(publicUrl);
        // The answer was lost: the fleet retries the same completion and gets the same answer.
        assertThat(ok(call(fleet, "complete_task", Map.of("task_id", taskId, "filename", "output.png", "file_data",
                Base64.getEncoder().encodeToString(png)))).path("public_url").asText()).isEqualTo(publicUrl);
    }

    @Test
    void aLargeOutputGoesThroughAPresignedUploadAndIsServedAtTheFleetsPublicUrl() throws Exception {
        String taskId = task("wan_2_2_i2v", Map.of("prompt", "slow dolly in"));
        EdgeClient fleet = worker("presign-1");
        assertThat(claim(fleet, "presign-1").path("task_id").asText()).isEqualTo(taskId);
        startBilling(fleet, taskId);
        byte[] video = OutputGenerator.forTask("wan_2_2_i2v", 2_600_000, 11).bytes();
        byte[] thumbnail = jpeg();
        JsonNode ticket = ok(call(fleet, "generate-upload-url", Map.of("task_id", taskId, "filename", "output.mp4",
                "content_type", "video/mp4", "generate_thumbnail_url", true)));
        assertThat(fleet.put(ticket.path("upload_url").asText(), "video/mp4", video)).isIn(200, 201);
        assertThat(fleet.put(ticket.path("thumbnail_upload_url").asText(), "image/jpeg", thumbnail)).isIn(200, 201);
        String storagePath = ticket.path("storage_path").asText();
        JsonNode done = ok(call(fleet, "complete_task", Map.of("task_id", taskId, "storage_path", storagePath,
                "thumbnail_storage_path", ticket.path("thumbnail_storage_path").asText())));
        assertThat(done.path("thumbnail_url").asText()).isNotBlank();
        assertThat(get(gateway + "/storage/v1/object/public/image_uploads/" + storagePath)).isEqualTo(video);
        assertThat(get(done.path("public_url").asText())).isEqualTo(video);
        assertThat(get(done.path("thumbnail_url").asText())).isEqualTo(thumbnail);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT size_bytes FROM storage_objects WHERE key = ?", storagePath))
                    .as("the size nobody declared, learned from the store").isEqualTo((long) video.length);
        }
    }

    @Test
    void anIntermediateFileIsReadableAtTheUrlTheFleetBuildsAndAJsonOutputCompletesTheTask() throws Exception {
        String taskId = task("single_image", Map.of("prompt", "guide frames"));
        EdgeClient fleet = worker("intermediate-1");
        assertThat(claim(fleet, "intermediate-1").path("task_id").asText()).isEqualTo(taskId);
        startBilling(fleet, taskId);
        byte[] guide = OutputGenerator.forTask("single_image", 50_000, 3).bytes();
        JsonNode ticket = ok(call(fleet, "generate-upload-url", Map.of("task_id", taskId, "filename", "guide.png",
                "content_type", "image/png")));
        assertThat(ticket.has("thumbnail_upload_url")).as("no thumbnail URL unless asked for").isFalse();
        assertThat(fleet.put(ticket.path("upload_url").asText(), "image/png", guide)).isIn(200, 201);
        // The fleet builds the public URL itself and never completes with it.
        String built = gateway + "/storage/v1/object/public/image_uploads/" + ticket.path("storage_path").asText();
        assertThat(get(built)).isEqualTo(guide);

        String result = "{\"guide_url\": \"" + built + "\", \"frames\": 81}";
        ok(call(fleet, "complete_task", Map.of("task_id", taskId, "output_location", result)));
        assertThat(column(taskId, "status")).isEqualTo("Complete");
        assertThat(column(taskId, "output_location")).isEqualTo(result);
        ok(call(fleet, "get-task-output", Map.of("task_id", taskId)));
        assertThat(ok(call(fleet, "get-task-output", Map.of("task_id", taskId))).path("output_location").asText())
                .isEqualTo(result);
    }

    @Test
    void aRetryableFailureRequeuesWithoutTheWorkerAndAFatalOneFails() {
        String taskId = task("single_image", Map.of("prompt", "a storm"));
        EdgeClient fleet = worker("failing-1");
        JsonNode claimed = claim(fleet, "failing-1");
        assertThat(claimed.path("task_id").asText()).isEqualTo(taskId);
        startBilling(fleet, taskId);
        ok(call(fleet, "update-task-status", Map.of("task_id", taskId, "status", "Queued", "attempts",
                claimed.path("attempts").asInt() + 1, "error_details", "CUDA out of memory", "clear_worker", true)));
        assertThat(column(taskId, "status")).isEqualTo("Queued");
        assertThat(column(taskId, "worker_id")).as("a requeued task names no worker").isNull();
        // After its backoff it is handed out again, as its second attempt.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode again = null;
        while (again == null && System.nanoTime() < deadline) {
            ApiResponse answer = fleet.functionOnce("claim-next-task", Map.of("worker_id", "failing-1", "run_type", "gpu"),
                    Duration.ofSeconds(15));
            assertThat(answer.status()).isIn(200, 204);
            again = answer.status() == 200 ? answer.body() : null;
        }
        assertThat(again).as("claimed again after the backoff").isNotNull();
        assertThat(again.path("task_id").asText()).isEqualTo(taskId);
        assertThat(again.path("attempts").asInt()).isEqualTo(1);
        ok(call(fleet, "update-task-status", Map.of("task_id", taskId, "status", "Failed", "output_location",
                "unsupported resolution")));
        assertThat(column(taskId, "status")).isEqualTo("Failed");
        assertThat(column(taskId, "error_message")).isEqualTo("unsupported resolution");
    }

    @Test
    void anOrchestratorsThreeChildrenRunAndThePlatformCompletesAndBillsItOnce() throws Exception {
        String orchestrator = task("travel_orchestrator", Map.of("prompt", "a coastal journey"));
        EdgeClient holder = worker("orchestrator-1");
        assertThat(claim(holder, "orchestrator-1").path("task_id").asText()).isEqualTo(orchestrator);
        startBilling(holder, orchestrator);
        String runId = "run-" + UUID.randomUUID();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String stitch = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            String id = i == 0 ? first : second;
            Map<String, Object> input = new HashMap<>(Map.of("task_id", id, "orchestrator_task_id_ref", orchestrator,
                    "orchestrator_run_id", runId, "segment_index", i, "prompt", "segment " + i));
            input.put("dependant_on", null);
            JsonNode created = ok(call(holder, "create-task", Map.of("family", "travel_segment", "project_id", project,
                    "input", input)));
            assertThat(created.path("task_id").asText()).as("the id the worker chose").isEqualTo(id);
        }
        Map<String, Object> stitchInput = Map.of("task_id", stitch, "orchestrator_details", Map.of(
                "orchestrator_task_id", orchestrator, "run_id", runId), "dependant_on", List.of(first, second));
        ok(call(holder, "create-task", Map.of("family", "travel_stitch", "project_id", project, "input", stitchInput)));
        // A retried creation is the same child.
        ok(call(holder, "create-task", Map.of("family", "travel_stitch", "project_id", project, "input", stitchInput)));
        assertThat(ok(call(holder, "get-orchestrator-children", Map.of("orchestrator_task_id", orchestrator)))
                .path("tasks")).hasSize(3);
        ok(call(holder, "update-task-status", Map.of("task_id", orchestrator, "status", "In Progress", "output_location",
                "[ORCHESTRATING] 3 children")));
        assertThat(column(orchestrator, "lease_token")).as("waiting without a lease").isNull();

        EdgeClient segments = worker("segments-1");
        for (String expected : List.of(first, second)) {
            JsonNode segment = claim(segments, "segments-1");
            assertThat(segment.path("task_id").asText()).isEqualTo(expected);
            startBilling(segments, expected);
            byte[] clip = OutputGenerator.forTask("travel_segment", 100_000, expected.hashCode()).bytes();
            ok(call(segments, "complete_task", Map.of("task_id", expected, "filename", "segment.mp4", "file_data",
                    Base64.getEncoder().encodeToString(clip))));
        }
        EdgeClient stitcher = worker("stitch-1");
        JsonNode stitchTask = claim(stitcher, "stitch-1");
        assertThat(stitchTask.path("task_id").asText()).isEqualTo(stitch);
        JsonNode predecessors = ok(call(stitcher, "get-predecessor-output", Map.of("task_id", stitch)));
        assertThat(predecessors.path("all_complete").asBoolean()).isTrue();
        assertThat(predecessors.path("predecessor_id").asText()).isEqualTo(first);
        JsonNode completed = ok(call(stitcher, "get-completed-segments", Map.of("run_id", runId, "project_id", project)));
        assertThat(completed).hasSize(2);
        assertThat(completed.get(0).path("segment_index").asInt()).isZero();
        assertThat(get(completed.get(1).path("output_location").asText())).isNotEmpty();
        startBilling(stitcher, stitch);
        byte[] film = OutputGenerator.forTask("travel_stitch", 150_000, 99).bytes();
        String finalUrl = ok(call(stitcher, "complete_task", Map.of("task_id", stitch, "filename", "final.mp4",
                "file_data", Base64.getEncoder().encodeToString(film)))).path("public_url").asText();

        assertThat(column(orchestrator, "status")).isEqualTo("Complete");
        assertThat(column(orchestrator, "output_location")).as("the final child's output").isEqualTo(finalUrl);
        assertThat(ok(call(holder, "get-task-status", Map.of("task_id", orchestrator))).path("status").asText())
                .isEqualTo("Complete");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM task_outbox WHERE task_id = ?::uuid AND kind = 'charge'",
                    orchestrator)).as("the orchestrator goes through billing once").isEqualTo(1);
        }
    }

    @Test
    void crashedAndTerminatedHeartbeatsHandTasksBack() {
        String taskId = task("single_image", Map.of("prompt", "a harbour"));
        EdgeClient fleet = worker("mortal-1");
        claim(fleet, "mortal-1");
        beat(fleet, "mortal-1", "crashed");
        assertThat(column(taskId, "status")).isEqualTo("Queued");
        assertThat(column(taskId, "worker_id")).isNull();
        claim(fleet, "mortal-1");
        beat(fleet, "mortal-1", "terminated");
        assertThat(column(taskId, "status")).isEqualTo("Queued");
        assertThat(column(taskId, "worker_id")).isNull();
        // Taken by the next worker and finished.
        EdgeClient next = worker("mortal-2");
        assertThat(claim(next, "mortal-2").path("task_id").asText()).isEqualTo(taskId);
        ok(call(next, "complete_task", Map.of("task_id", taskId, "output_location", "https://cdn.example/harbour.png")));
    }

    @Test
    void aFrozenWorkersTaskGoesToAnotherAndItsLateCompletionAndFailedWriteNothing() throws Exception {
        String taskId = task("single_image", Map.of("prompt", "a frozen lake"));
        EdgeClient frozen = worker("frozen-1");
        EdgeClient healthy = worker("healthy-1");
        claim(frozen, "frozen-1");
        startBilling(frozen, taskId);
        freeze("frozen-1");
        // The frozen worker's heartbeats stop; its lease runs out and the reaper hands the task back.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"Queued".equals(column(taskId, "status")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(column(taskId, "status")).isEqualTo("Queued");
        assertThat(column(taskId, "worker_id")).isNull();
        assertThat(claim(healthy, "healthy-1").path("task_id").asText()).isEqualTo(taskId);
        startBilling(healthy, taskId);
        // The task as the healthy worker holds it. Not its lease's expiry: the healthy worker's guardian beats
        // every 1.5 s and each beat renews it (the lease token says whose lease it is).
        String before;
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            before = sql.query("SELECT status, worker_id, lease_token, output_location, error_message,"
                    + " generation_started_at FROM tasks WHERE id = ?::uuid", taskId).toString();
        }
        // The frozen worker wakes up and completes; then, as the fleet does after a non-200, reports Failed.
        byte[] png = OutputGenerator.forTask("single_image", 20_000, 1).bytes();
        ApiResponse late = call(frozen, "complete_task", Map.of("task_id", taskId, "filename", "output.png", "file_data",
                Base64.getEncoder().encodeToString(png)));
        assertThat(late.status()).isEqualTo(409);
        ApiResponse failed = call(frozen, "update-task-status", Map.of("task_id", taskId, "status", "Failed",
                "output_location", "Completion failed: HTTP_409"));
        assertThat(failed.status()).isEqualTo(409);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.query("SELECT status, worker_id, lease_token, output_location, error_message,"
                    + " generation_started_at FROM tasks WHERE id = ?::uuid", taskId).toString())
                    .as("the stale worker wrote nothing").isEqualTo(before);
            assertThat(sql.count("SELECT count(*) FROM storage_objects WHERE task_id = ?::uuid AND status = 'ready'",
                    taskId)).as("its upload was not kept").isZero();
        }
        ok(call(healthy, "complete_task", Map.of("task_id", taskId, "output_location", "https://cdn.example/lake.png")));
        assertThat(column(taskId, "output_location")).isEqualTo("https://cdn.example/lake.png");
    }

    @Test
    void aBodyWorkerIdThatIsNotTheTokensIsRefused() {
        String taskId = task("single_image", Map.of("prompt", "an impostor"));
        EdgeClient fleet = worker("honest-1");
        ApiResponse claim = fleet.functionOnce("claim-next-task", Map.of("worker_id", "impostor-1", "run_type", "gpu"),
                Duration.ofSeconds(15));
        assertThat(claim.status()).isEqualTo(403);
        assertThat(claim.code()).isEqualTo("worker_id_mismatch");
        Map<String, Object> beat = new HashMap<>(Map.of("worker_id_param", "impostor-1", "status_param", "active",
                "logs_param", List.of()));
        assertThat(fleet.heartbeat(beat).status()).isEqualTo(403);
        assertThat(call(fleet, "update-worker-model", Map.of("worker_id", "impostor-1", "current_model", "x")).status())
                .isEqualTo(403);
        assertThat(column(taskId, "status")).isEqualTo("Queued");
        assertThat(claim(fleet, "honest-1").path("task_id").asText()).isEqualTo(taskId);
        ok(call(fleet, "complete_task", Map.of("task_id", taskId, "output_location", "https://cdn.example/honest.png")));
    }

    /** The fault tests' invariants, over everything this test made. */
    @AfterAll
    static void invariantsHold() throws Exception {
        GUARDIANS.shutdownNow();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (sql.count("SELECT count(*) FROM task_outbox o JOIN tasks t ON t.id = o.task_id WHERE t.user_id = ?"
                    + " AND o.delivered_at IS NULL", user) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(sql.count("SELECT count(*) FROM task_outbox o JOIN tasks t ON t.id = o.task_id WHERE t.user_id = ?"
                    + " AND o.delivered_at IS NULL", user)).as("every generation and charge delivered").isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM (SELECT task_id FROM generations WHERE task_id IS NOT NULL
                                          GROUP BY task_id HAVING count(*) > 1) twice""")).as("one generation per task")
                    .isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM (SELECT task_id FROM credits_ledger WHERE type = 'spend'
                                          GROUP BY task_id HAVING count(*) > 1) twice""")).as("one charge per task")
                    .isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM tasks t JOIN task_cost_configs c ON c.task_type = t.task_type
                    WHERE t.user_id = ? AND t.status = 'Complete' AND c.category <> 'orchestration'
                      AND c.content_type IS NOT NULL AND t.output_location ~* '^https?://'
                      AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.task_id = t.id)""", user))
                    .as("every media output became a generation").isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM tasks t JOIN task_cost_configs c ON c.task_type = t.task_type
                    WHERE t.user_id = ? AND t.status = 'Complete' AND c.category <> 'orchestration'
                      AND NOT EXISTS (SELECT 1 FROM credits_ledger l WHERE l.type = 'spend' AND l.task_id = t.id)""", user))
                    .as("every billable task was charged, children on their own").isZero();
            assertThat(sql.value("SELECT (SELECT total_credits FROM users WHERE id = ?)"
                    + " = (SELECT sum(amount) FROM credits_ledger WHERE user_id = ?)", user, user))
                    .as("the balance equals the ledger").isEqualTo(true);
        }
    }
}
