package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.EmbeddedS3;
import ai.reigh.common.testing.PresignedPut;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.Item;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Finding 5 of the security review end to end, through the gateway against the real processes: an upload
 * URL outlived its object. Each attack as it was observed: after the confirmation the old URL replaced the
 * bytes (HTML served from the private bucket as {@code text/html}, 2 KB stored where 69 bytes were counted);
 * after a delete a re-PUT left untracked bytes; a 10-byte upload took 3 MiB; and a worker's upload URL could
 * rewrite a completed task's output. Now an upload URL only ever writes a staging key that nothing serves,
 * signed for the declared length and type; confirmation copies to the final key; the sweep removes orphans.
 * What is really in the buckets is read with a MinIO client of the test's own.
 */
class UploadUrlAbuseSystemTest {
    /** storage-service's maintenance (and so the staging sweep) runs every 60 s in these processes. */
    private static final Duration SWEEP_WITHIN = Duration.ofSeconds(90);

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    private record User(UUID id, String token) {
        static User create() {
            UUID id = UUID.randomUUID();
            String token = Tokens.user(id);
            Api.as(token).get("/v1/me").then().statusCode(200);
            return new User(id, token);
        }
    }

    @Test
    void aPutToTheOldUploadUrlAfterConfirmationNeverChangesWhatIsServedOrCounted() throws Exception {
        User user = User.create();
        byte[] clip = bytes(69, 1);
        JsonPath ticket = presign(user, "training-data", "video/mp4", clip.length, "clip.mp4");
        String id = ticket.getString("object_id");
        assertThat(put(ticket, clip)).isEqualTo(200);
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(200);

        byte[] html = ("<!doctype html><script>fetch('/v1/me')</script>" + "<p>owned</p>".repeat(170))
                .getBytes(StandardCharsets.UTF_8);
        assertThat(put(ticket.getString("upload_url"), Map.of("Content-Type", "text/html"), html))
                .as("the store refuses a body the URL was not signed for").isEqualTo(403);
        assertThat(put(ticket, bytes(69, 2))).as("a body of the signed shape lands on the staging key").isEqualTo(200);

        String url = Api.as(user.token()).get("/v1/storage/objects/" + id).then().statusCode(200).extract().path("url");
        HttpResponse<byte[]> served = fresh().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).as("the confirmed bytes").isEqualTo(clip);
        assertThat(served.headers().firstValue("Content-Type")).contains("video/mp4");
        assertThat(served.headers().firstValue("Content-Disposition"))
                .contains("attachment; filename=\"clip.mp4\"; filename*=UTF-8''clip.mp4");
        StatObjectResponse stored = stat("reigh-training-data", ticket.getString("key"));
        assertThat(stored.size()).as("what is stored is what is counted").isEqualTo(69).isEqualTo(readyBytes(user));
    }

    @Test
    void aPutToTheOldUploadUrlAfterDeleteLeavesNothingUntrackedOnceMaintenanceRan() throws Exception {
        User user = User.create();
        byte[] png = bytes(500, 3);
        JsonPath ticket = presign(user, "public", "image/png", png.length, null);
        String id = ticket.getString("object_id");
        assertThat(put(ticket, png)).isEqualTo(200);
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(200);
        Api.as(user.token()).delete("/v1/storage/objects/" + id).then().statusCode(204);

        assertThat(put(ticket, png)).as("the URL has not expired, so the store takes the bytes").isEqualTo(200);
        assertThat(keysUnder("reigh-public", user.id() + "/")).as("never under the deleted object's key").isEmpty();
        Api.given().get("/storage/v1/object/public/public/" + ticket.getString("key")).then().statusCode(404);

        Instant deadline = Instant.now().plus(SWEEP_WITHIN);
        while (!keysUnder("reigh-public", "staging/" + user.id() + "/").isEmpty()) {
            assertThat(Instant.now()).as("the staging bytes are swept by the next maintenance run").isBefore(deadline);
            Thread.sleep(500);
        }
        assertThat(keysUnder("reigh-public", user.id() + "/")).isEmpty();
    }

    @Test
    void moreBytesThanDeclaredAreRefusedNeverReadyAndNeverCounted() throws Exception {
        User user = User.create();
        JsonPath ticket = presign(user, "public", "image/png", 10, null);
        String id = ticket.getString("object_id");
        assertThat(put(ticket, bytes(3 * 1024 * 1024, 4))).as("3 MiB to a URL signed for 10 bytes").isEqualTo(403);
        Response confirm = Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm");
        Problems.assertProblem(confirm, 409, "conflict", "confirming what was never stored");
        Api.as(user.token()).get("/v1/storage/objects/" + id).then().statusCode(200).body("status", equalTo("pending"));
        assertThat(readyBytes(user)).isZero();
        assertThat(keysUnder("reigh-public", user.id() + "/")).isEmpty();
        assertThat(keysUnder("reigh-public", "staging/" + user.id() + "/")).isEmpty();
    }

    @Test
    void aWorkersUploadUrlCannotChangeTheCompletedTasksOutput() throws Exception {
        User user = User.create();
        Api.as(user.token()).post("/v1/credits/welcome-bonus").then().statusCode(201);
        String project = Api.as(user.token()).body(Map.of("name", "Outputs")).post("/v1/projects").then()
                .statusCode(201).extract().path("id");
        String task = Api.as(user.token()).body(Map.of("project_id", project, "task_type", "single_image", "params",
                Map.of("prompt", "a harbour"))).post("/v1/tasks").then().statusCode(201).extract().path("id");
        String worker = Tokens.localWorker(user.id());
        JsonPath claim = Api.as(worker).body(Map.of("worker_id", "url-abuse-" + user.id(), "wait_seconds", 10))
                .post("/v1/workers/claim").then().statusCode(200).extract().jsonPath();
        assertThat(claim.getList("tasks.id")).containsExactly(task);
        String lease = claim.getString("tasks[0].lease_token");
        Api.as(worker).body(Map.of("lease_token", lease)).post("/v1/workers/tasks/" + task + "/start").then()
                .statusCode(200);

        byte[] png = bytes(40_000, 5);
        JsonPath ticket = Api.as(worker).body(Map.of("task_id", task, "lease_token", lease, "filename", "out.png",
                "content_type", "image/png", "size_bytes", png.length)).post("/v1/workers/uploads").then().statusCode(201).extract().jsonPath();
        assertThat(ticket.getString("upload_url")).contains("/reigh-public/staging/" + user.id() + "/")
                .doesNotContain(ticket.getString("key"));
        assertThat(put(ticket, png)).isEqualTo(200);
        String output = Api.as(worker).body(Map.of("lease_token", lease, "object_id", ticket.getString("object_id")))
                .post("/v1/workers/tasks/" + task + "/complete").then().statusCode(200).extract().path("output_location");

        byte[] html = "<!doctype html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);
        assertThat(put(ticket.getString("upload_url"), Map.of("Content-Type", "text/html"), html)).isEqualTo(403);
        assertThat(put(ticket, bytes(40_000, 6))).isEqualTo(200);
        HttpResponse<byte[]> served = fresh().send(HttpRequest.newBuilder(URI.create(output)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).as("the output the task completed with").isEqualTo(png);
        assertThat(served.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(stat("reigh-public", ticket.getString("key")).size()).isEqualTo(40_000).isEqualTo(readyBytes(user));
    }

    private static JsonPath presign(User user, String bucket, String contentType, long size, String filename) {
        Map<String, Object> body = new HashMap<>(Map.of("bucket", bucket, "content_type", contentType, "size_bytes", size));
        if (filename != null) {
            body.put("filename", filename);
        }
        return Api.as(user.token()).body(body).post("/v1/storage/uploads").then().statusCode(201).extract().jsonPath();
    }

    private static int put(JsonPath ticket, byte[] body) {
        Map<String, String> headers = new HashMap<>();
        ticket.getMap("upload_headers").forEach((name, value) -> headers.put(name.toString(), value.toString()));
        return put(ticket.getString("upload_url"), headers, body);
    }

    private static int put(String url, Map<String, String> headers, byte[] body) {
        return PresignedPut.put(url, headers, body);
    }

    private static HttpClient fresh() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static MinioClient s3() {
        EmbeddedS3 s3 = EmbeddedS3.shared();
        return MinioClient.builder().endpoint(s3.endpoint()).credentials(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY)
                .region(EmbeddedS3.REGION).build();
    }

    private static StatObjectResponse stat(String physicalBucket, String key) throws Exception {
        return s3().statObject(StatObjectArgs.builder().bucket(physicalBucket).object(key).build());
    }

    private static List<String> keysUnder(String physicalBucket, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3().listObjects(ListObjectsArgs.builder().bucket(physicalBucket).prefix(prefix)
                .recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    private static long readyBytes(User user) {
        try (SqlSession sql = SqlSession.as(EmbeddedPostgres.OWNER).actingAsService()) {
            return ((Number) sql.value("SELECT coalesce(sum(size_bytes), 0) FROM storage_objects WHERE owner_id = ?"
                    + " AND status = 'ready'", user.id())).longValue();
        }
    }
}
