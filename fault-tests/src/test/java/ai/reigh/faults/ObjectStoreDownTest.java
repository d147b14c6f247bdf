package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.EmbeddedS3;
import io.restassured.response.Response;

/**
 * Scenario 5: the object store goes down while users upload and confirm and a worker completes a task
 * with its uploaded output. Every such call answers 503 problem+json (retryable), never a 500; no
 * storage object becomes {@code ready} without its bytes in the store (checked against the store
 * itself); once the store is back, the same flows succeed.
 */
class ObjectStoreDownTest {
    private static final String SCENARIO = "object store down during uploads and confirmations";
    private static final String WORKER_ID = "store-down-worker";
    private static final String PNG = "image/png";

    private final AtomicLong requests = new AtomicLong();
    private final Map<String, Integer> answersWhileDown = new LinkedHashMap<>();

    @Test
    void uploadsAndConfirmationsAre503WhileTheStoreIsDownAndSucceedOnceItIsBack() throws Exception {
        Platform.Tenant tenant = Platform.newTenant("store-down", new BigDecimal("100"));
        String taskId = Platform.createTask(tenant, "single_image", "store down");
        Map<String, Object> claimed = Api.as(tenant.workerToken()).body(Map.of("worker_id", WORKER_ID, "limit", 1,
                "wait_seconds", 10)).post("/v1/workers/claim").then().statusCode(200).extract().path("tasks[0]");
        assertThat(claimed).containsEntry("id", taskId);
        String lease = (String) claimed.get("lease_token");
        Api.as(tenant.workerToken()).body(Map.of("lease_token", lease)).post("/v1/workers/tasks/" + taskId + "/start")
                .then().statusCode(200);
        // The worker stays alive (heartbeats every second) while the store is down: its lease must not be the issue.
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
        heartbeats.scheduleWithFixedDelay(() -> Api.as(tenant.workerToken())
                .body(Map.of("worker_id", WORKER_ID, "task_ids", List.of(taskId))).post("/v1/workers/heartbeat"),
                0, 1, TimeUnit.SECONDS);
        EmbeddedS3 store = EmbeddedS3.shared();
        try {
            byte[] bytesA = bytes(3000, 1);
            Map<String, Object> uploadA = presign(tenant, bytesA.length);
            assertThat(put(uploadA, bytesA)).isEqualTo(200);
            Map<String, Object> uploadB = presign(tenant, 2000);
            byte[] output = bytes(4096, 3);
            Map<String, Object> workerUpload = workerPresign(tenant, taskId, lease, output.length);
            assertThat(put(workerUpload, output)).isEqualTo(200);
            Invariants.LedgerSnapshot ledger = Invariants.snapshotLedger();

            store.stop();
            double notReady = Await.until("storage-service reports not-ready", Duration.ofSeconds(30),
                    () -> Platform.readiness("storage") == 503);
            unavailable("confirm an upload whose bytes are stored", confirm(tenant, uploadA));
            unavailable("confirm an upload without bytes", confirm(tenant, uploadB));
            unavailable("direct upload", directUpload(tenant, bytes(1500, 5)));
            unavailable("worker completion with an uploaded output", complete(tenant, taskId, lease, workerUpload));
            int presignWhileDown = presignStatus(tenant, 1000);
            assertThat(presignWhileDown).as("presigning needs no store, or says it is unavailable").isIn(201, 503);
            answersWhileDown.put("presign", presignWhileDown);
            assertThat((Object) Platform.sql(sql -> sql.value("SELECT status FROM tasks WHERE id = ?::uuid", taskId)))
                    .as("the task waits for its output to be confirmed").isEqualTo("In Progress");
            assertThat(Platform.count("SELECT count(*) FROM storage_objects WHERE owner_id = ? AND status = 'ready'",
                    tenant.userId())).as("nothing became ready while the store was down").isZero();

            store.start();
            double readyAgain = Await.until("storage-service ready again", Duration.ofSeconds(30),
                    () -> Platform.readiness("storage") == 200);
            assertThat(confirm(tenant, uploadA).statusCode()).isEqualTo(200);
            Response missing = confirm(tenant, uploadB);
            assertThat(missing.statusCode()).as("no bytes behind it: not ready").isEqualTo(409);
            assertThat(put(uploadB, bytes(2000, 2))).isEqualTo(200);
            assertThat(confirm(tenant, uploadB).statusCode()).isEqualTo(200);
            Response direct = directUpload(tenant, bytes(1500, 5));
            assertThat(direct.statusCode()).isEqualTo(201);
            assertThat(direct.jsonPath().getString("status")).isEqualTo("ready");
            Response completed = complete(tenant, taskId, lease, workerUpload);
            assertThat(completed.statusCode()).isEqualTo(200);
            assertThat(completed.jsonPath().getString("status")).isEqualTo("Complete");
            heartbeats.shutdownNow();
            assertThat(Platform.count("SELECT count(*) FROM storage_objects WHERE owner_id = ? AND status = 'ready'",
                    tenant.userId())).isEqualTo(4);

            Map<String, Object> checked = Invariants.check(SCENARIO, ledger);
            new Figures(SCENARIO).put("faults_injected", 1).put("storage_not_ready_within_s", notReady)
                    .put("storage_ready_again_within_s", readyAgain).put("answers_while_down", answersWhileDown)
                    .put("requests", requests.get()).putAll(checked).print();
        } finally {
            heartbeats.shutdownNow();
            if (Platform.readiness("storage") != 200) {
                store.start();
            }
        }
    }

    /** 503 problem+json with a stable code: the client retries later. */
    private void unavailable(String what, Response answer) {
        answersWhileDown.put(what, answer.statusCode());
        assertThat(answer.statusCode()).as(what + ": " + answer.asString()).isEqualTo(503);
        assertThat(answer.contentType()).as(what).startsWith("application/problem+json");
        assertThat(answer.jsonPath().getString("code")).as(what).isNotBlank();
        assertThat(answer.jsonPath().getInt("status")).isEqualTo(503);
    }

    private Map<String, Object> presign(Platform.Tenant tenant, int size) {
        requests.incrementAndGet();
        return Api.as(tenant.token()).body(Map.of("bucket", "public", "content_type", PNG, "size_bytes", size,
                "filename", "still.png")).post("/v1/storage/uploads").then().statusCode(201).extract().path("");
    }

    private int presignStatus(Platform.Tenant tenant, int size) {
        requests.incrementAndGet();
        return Api.as(tenant.token()).body(Map.of("bucket", "public", "content_type", PNG, "size_bytes", size))
                .post("/v1/storage/uploads").statusCode();
    }

    private Map<String, Object> workerPresign(Platform.Tenant tenant, String taskId, String lease, int size) {
        requests.incrementAndGet();
        return Api.as(tenant.workerToken()).body(Map.of("task_id", taskId, "lease_token", lease, "filename", "out.png",
                "content_type", PNG, "size_bytes", size)).post("/v1/workers/uploads").then().statusCode(201)
                .extract().path("");
    }

    private Response confirm(Platform.Tenant tenant, Map<String, Object> upload) {
        requests.incrementAndGet();
        return Api.as(tenant.token()).post("/v1/storage/objects/" + upload.get("object_id") + "/confirm");
    }

    private Response directUpload(Platform.Tenant tenant, byte[] body) {
        requests.incrementAndGet();
        return Api.given().auth().oauth2(tenant.token()).contentType(PNG).body(body)
                .post("/v1/storage/buckets/public/objects");
    }

    private Response complete(Platform.Tenant tenant, String taskId, String lease, Map<String, Object> upload) {
        requests.incrementAndGet();
        return Api.as(tenant.workerToken()).body(Map.of("lease_token", lease, "object_id", upload.get("object_id"),
                "result_data", Map.of("worker", WORKER_ID))).post("/v1/workers/tasks/" + taskId + "/complete");
    }

    /** The presigned PUT straight to the store, with the headers it was signed for. */
    @SuppressWarnings("unchecked")
    private int put(Map<String, Object> upload, byte[] body) throws IOException, InterruptedException {
        requests.incrementAndGet();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((String) upload.get("upload_url")))
                .timeout(Duration.ofSeconds(20)).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        ((Map<String, String>) upload.get("upload_headers")).forEach(request::header);
        return Platform.HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] bytes(int size, int seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }
}
