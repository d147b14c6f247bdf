package ai.reigh.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * A GPU worker's output, end to end through the gateway: storage-service asks tasks-service whether the
 * caller holds the task's lease before it hands out an upload URL; the worker PUTs the bytes straight to
 * the object store; completing the task makes tasks-service confirm the upload with storage-service, and
 * the public URL serves the bytes to anyone.
 */
class WorkerUploadSystemTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    /** A user with a project, credits, and one claimed task held by a local worker bound to that user. */
    private record Claimed(UUID user, String userToken, String worker, String projectId, String taskId, String lease) {
    }

    private static Claimed claimedTask() {
        UUID user = UUID.randomUUID();
        String token = Tokens.user(user);
        Api.as(token).get("/v1/me").then().statusCode(200);
        Api.as(token).post("/v1/credits/welcome-bonus").then().statusCode(201);
        String project = Api.as(token).body(Map.of("name", "Uploads")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        String task = Api.as(token).body(Map.of("project_id", project, "task_type", "single_image", "params",
                Map.of("prompt", "a lighthouse"))).post("/v1/tasks").then().statusCode(201).extract().path("id");
        String worker = Tokens.localWorker(user);
        JsonPath claim = Api.as(worker).body(Map.of("worker_id", "upload-test-" + user, "wait_seconds", 10))
                .post("/v1/workers/claim").then().statusCode(200).extract().jsonPath();
        assertThat(claim.getList("tasks.id")).containsExactly(task);
        String lease = claim.getString("tasks[0].lease_token");
        Api.as(worker).body(Map.of("lease_token", lease)).post("/v1/workers/tasks/" + task + "/start").then()
                .statusCode(200);
        return new Claimed(user, token, worker, project, task, lease);
    }

    private static Map<String, Object> uploadRequest(String task, String lease, long size) {
        return Map.of("task_id", task, "lease_token", lease, "filename", "../output.png", "content_type", "image/png",
                "size_bytes", size);
    }

    @Test
    void theLeaseHolderUploadsItsOutputAndTheCompletedTaskServesIt() throws Exception {
        Claimed claimed = claimedTask();
        byte[] png = new byte[40_000];
        new Random(7).nextBytes(png);

        JsonPath ticket = Api.as(claimed.worker()).body(uploadRequest(claimed.taskId(), claimed.lease(), png.length))
                .post("/v1/workers/uploads").then().statusCode(201).extract().jsonPath();
        String objectId = ticket.getString("object_id");
        assertThat(ticket.getString("bucket")).isEqualTo("public");
        assertThat(ticket.getString("key")).startsWith(claimed.user() + "/tasks/" + claimed.taskId() + "/")
                .endsWith(objectId + ".png");
        assertThat(ticket.getString("upload_method")).isEqualTo("PUT");

        // Completing before the bytes are there: 409, and the task stays In Progress.
        Api.as(claimed.worker()).body(Map.of("lease_token", claimed.lease(), "object_id", objectId))
                .post("/v1/workers/tasks/" + claimed.taskId() + "/complete").then().statusCode(409);
        Api.as(claimed.userToken()).get("/v1/tasks/" + claimed.taskId()).then().statusCode(200)
                .body("status", equalTo("In Progress"));

        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(ticket.getString("upload_url")))
                .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofByteArray(png));
        ticket.getMap("upload_headers").forEach((name, value) -> put.header(name.toString(), value.toString()));
        assertThat(HTTP.send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);

        String outputLocation = Api.as(claimed.worker())
                .body(Map.of("lease_token", claimed.lease(), "object_id", objectId))
                .post("/v1/workers/tasks/" + claimed.taskId() + "/complete").then().statusCode(200)
                .body("status", equalTo("Complete")).extract().path("output_location");
        String gateway = SystemUnderTest.shared().gatewayUrl();
        assertThat(outputLocation).isEqualTo(gateway + "/storage/v1/object/public/public/" + ticket.getString("key"));

        HttpResponse<byte[]> served = HTTP.send(HttpRequest.newBuilder(URI.create(outputLocation)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).as("anonymous, through the gateway").isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(served.body()).isEqualTo(png);

        Api.as(claimed.userToken()).get("/v1/storage/objects/" + objectId).then().statusCode(200)
                .body("status", equalTo("ready")).body("owner_id", equalTo(claimed.user().toString()))
                .body("filename", equalTo("output.png"));
        awaitGeneration(claimed, outputLocation);
    }

    @Test
    void onlyTheHolderOfTheCurrentLeaseGetsAnUploadUrl() {
        Claimed claimed = claimedTask();
        Api.as(claimed.worker()).body(uploadRequest(claimed.taskId(), UUID.randomUUID().toString(), 100))
                .post("/v1/workers/uploads").then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("lease_lost"));
        Api.as(claimed.worker()).body(uploadRequest(UUID.randomUUID().toString(), claimed.lease(), 100))
                .post("/v1/workers/uploads").then().statusCode(404);
        Api.as(Tokens.localWorker(UUID.randomUUID())).body(uploadRequest(claimed.taskId(), claimed.lease(), 100))
                .post("/v1/workers/uploads").then().statusCode(404);
        Api.as(claimed.userToken()).body(uploadRequest(claimed.taskId(), claimed.lease(), 100))
                .post("/v1/workers/uploads").then().statusCode(403);

        Api.as(claimed.worker()).body(Map.of("lease_token", claimed.lease(), "error", "gave up", "retryable", false))
                .post("/v1/workers/tasks/" + claimed.taskId() + "/fail").then().statusCode(200);
        Api.as(claimed.worker()).body(uploadRequest(claimed.taskId(), claimed.lease(), 100))
                .post("/v1/workers/uploads").then().statusCode(409).body("code", equalTo("lease_lost"));
        Api.as(claimed.userToken()).get("/v1/storage/objects").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    /** The completion's generation reaches projects-service through the outbox, with the public URL. */
    private static void awaitGeneration(Claimed claimed, String url) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            List<String> urls = Api.as(claimed.userToken()).get("/v1/projects/" + claimed.projectId() + "/generations")
                    .then().statusCode(200).extract().path("items.url");
            if (urls.contains(url)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no generation with " + url + " within 30 s");
    }
}
