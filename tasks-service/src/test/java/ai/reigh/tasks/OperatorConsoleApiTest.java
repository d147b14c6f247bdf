package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The routes behind the operator console: every owner's tasks, a task's story (history, relatives,
 * effects), cancel and requeue by an operator, the fleet's health and the live overview.
 */
@QuarkusTest
class OperatorConsoleApiTest {
    private static final String ADMIN = Tokens.admin(UUID.randomUUID());

    @TestHTTPResource("/v1/admin/overview/stream")
    URL overviewStream;

    @Test
    void aTasksHistoryTellsWhoClaimedItWhyItWasRequeuedAndHowItEnded() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID task = Fixtures.createTask(owner, "single_image");
        String worker = owner.localWorker();

        Fixtures.Claimed first = Fixtures.claimOne(worker, "story-gpu-1");
        Api.as(worker).body(body("lease_token", first.leaseToken(), "error", "CUDA out of memory", "retryable", true))
                .post("/v1/workers/tasks/" + task + "/fail").then().statusCode(200);
        clearBackoff(task);
        Fixtures.Claimed second = Fixtures.claimOne(worker, "story-gpu-2");
        Api.as(worker).body(body("lease_token", second.leaseToken(), "error", "model file corrupt", "retryable", false))
                .post("/v1/workers/tasks/" + task + "/fail").then().statusCode(200);

        UUID adminId = UUID.randomUUID();
        String admin = Tokens.admin(adminId);
        Api.as(admin).body(body("reason", "  model file replaced  ")).post("/v1/admin/tasks/" + task + "/requeue").then()
                .statusCode(200).body("status", equalTo("Queued")).body("attempts", equalTo(0))
                .body("error_message", equalTo(null)).body("worker_id", equalTo(null));

        JsonPath detail = Api.as(ADMIN).get("/v1/admin/tasks/" + task).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getString("task.user_id")).isEqualTo(owner.userId().toString());
        List<Map<String, Object>> history = detail.getList("history");
        assertThat(history).extracting(line -> line.get("from_status") + ">" + line.get("to_status")).containsExactly(
                "null>Queued", "Queued>In Progress", "In Progress>Queued", "Queued>In Progress", "In Progress>Failed",
                "Failed>Queued");
        assertThat(history.get(0).get("actor_role")).isEqualTo("user");
        assertThat(history.get(0).get("actor_id")).isEqualTo(owner.userId().toString());
        assertThat(history.get(1).get("worker_id")).isEqualTo("story-gpu-1");
        assertThat(history.get(1).get("attempt")).isEqualTo(1);
        assertThat(history.get(2).get("reason")).isEqualTo("CUDA out of memory");
        assertThat(history.get(3).get("worker_id")).isEqualTo("story-gpu-2");
        assertThat(history.get(4).get("reason")).isEqualTo("model file corrupt");
        assertThat(history.get(5)).containsEntry("reason", "model file replaced").containsEntry("actor_role", "admin")
                .containsEntry("actor_id", adminId.toString());

        // A second click requeues nothing more; the task is claimable again, with a fresh set of attempts.
        Api.as(ADMIN).body(body("reason", "again")).post("/v1/admin/tasks/" + task + "/requeue").then().statusCode(200)
                .body("status", equalTo("Queued"));
        assertThat(Api.as(ADMIN).get("/v1/admin/tasks/" + task).then().extract().jsonPath().getList("history")).hasSize(6);
        assertThat(Fixtures.claimOne(worker, "story-gpu-3").taskId()).isEqualTo(task);
        assertThat(Fixtures.column(task, "attempts")).isEqualTo(1);
    }

    @Test
    void onlyAFailedTaskThatCanRunAgainIsRequeued() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID queued = Fixtures.createTask(owner, "single_image");
        Api.as(ADMIN).body(body("reason", "why not")).post("/v1/admin/tasks/" + queued + "/requeue").then()
                .statusCode(409).body("code", equalTo("invalid_transition"));
        Api.as(ADMIN).body(body("reason", " ")).post("/v1/admin/tasks/" + queued + "/requeue").then().statusCode(400);
        Api.as(ADMIN).body(body("reason", "x".repeat(501))).post("/v1/admin/tasks/" + queued + "/requeue").then()
                .statusCode(400);
        Api.as(ADMIN).body(body("reason", "x")).post("/v1/admin/tasks/" + UUID.randomUUID() + "/requeue").then()
                .statusCode(404);
        Api.as(owner.token()).body(body("reason", "mine")).post("/v1/admin/tasks/" + queued + "/requeue").then()
                .statusCode(403);

        // A task whose dependency was cancelled would wait for ever: refused, and left Failed.
        UUID dependency = Fixtures.createTask(owner, "single_image");
        UUID dependant = Fixtures.createTask(owner, "single_image", Map.of(), List.of(dependency));
        Api.as(owner.token()).post("/v1/tasks/" + dependency + "/cancel").then().statusCode(200);
        assertThat(Fixtures.status(dependant)).as("failed with its dependency").isEqualTo("Failed");
        Api.as(ADMIN).body(body("reason", "retry")).post("/v1/admin/tasks/" + dependant + "/requeue").then()
                .statusCode(409).body("code", equalTo("dependency_failed"));
        assertThat(Fixtures.status(dependant)).isEqualTo("Failed");
    }

    @Test
    void theDatabaseLetsOnlyAnOperatorPutAFailedTaskBack() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID task = Fixtures.createTask(owner, "single_image");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET status = 'Failed' WHERE id = ?", task);
            assertThat(sql.failureOf("UPDATE tasks SET status = 'Queued', attempts = 0 WHERE id = ?", task))
                    .as("the platform's own code cannot resurrect a Failed task").isEqualTo("23514");
        }
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsUser(owner.userId())) {
            assertThat(sql.failureOf("UPDATE tasks SET status = 'Queued', attempts = 0 WHERE id = ?", task))
                    .as("nor can its owner").isEqualTo("23514");
        }
        try (SqlSession sql = SqlSession.as("reigh_owner").acting("admin", UUID.randomUUID())) {
            assertThat(sql.update("UPDATE tasks SET status = 'Queued', attempts = 0 WHERE id = ?", task)).isEqualTo(1);
        }
    }

    @Test
    void anOperatorCancelsAnyOwnersTaskAndIsNamedInItsHistory() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID task = Fixtures.createTask(owner, "single_image");
        UUID adminId = UUID.randomUUID();
        Api.as(Tokens.admin(adminId)).post("/v1/admin/tasks/" + task + "/cancel").then().statusCode(200)
                .body("status", equalTo("Cancelled"));
        Api.as(ADMIN).post("/v1/admin/tasks/" + task + "/cancel").then().statusCode(409)
                .body("code", equalTo("invalid_transition"));
        List<Map<String, Object>> history = Api.as(ADMIN).get("/v1/admin/tasks/" + task).then().statusCode(200)
                .extract().jsonPath().getList("history");
        assertThat(history.get(history.size() - 1)).containsEntry("to_status", "Cancelled")
                .containsEntry("actor_role", "admin").containsEntry("actor_id", adminId.toString());
        Api.as(owner.token()).post("/v1/admin/tasks/" + task + "/cancel").then().statusCode(403);
    }

    @Test
    void aTaskPageShowsItsDependenciesAndItsCompletionEffects() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID dependency = Fixtures.createTask(owner, "single_image");
        UUID dependant = Fixtures.createTask(owner, "single_image", Map.of("prompt", "a lighthouse"), List.of(dependency));
        String worker = owner.localWorker();
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "effects-gpu");
        assertThat(claimed.taskId()).isEqualTo(dependency);
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "https://cdn.example/out.png"))
                .post("/v1/workers/tasks/" + dependency + "/complete").then().statusCode(200);

        JsonPath page = Api.as(ADMIN).get("/v1/admin/tasks/" + dependant).then().statusCode(200).extract().jsonPath();
        assertThat(page.getString("task.params.prompt")).isEqualTo("a lighthouse");
        assertThat(page.getList("relatives", Map.class)).singleElement().satisfies(relative -> {
            assertThat(relative.get("relation")).isEqualTo("dependency");
            assertThat(relative.get("id")).isEqualTo(dependency.toString());
            assertThat(relative.get("status")).isEqualTo("Complete");
        });
        List<String> kinds = Api.as(ADMIN).get("/v1/admin/tasks/" + dependency).then().statusCode(200).extract()
                .jsonPath().getList("effects.kind");
        assertThat(kinds).containsExactlyInAnyOrder("generation", "charge");
        Api.as(ADMIN).get("/v1/admin/tasks/" + UUID.randomUUID()).then().statusCode(404);
        Api.as(owner.token()).get("/v1/admin/tasks/" + dependant).then().statusCode(403);
    }

    @Test
    void operatorsListEveryOwnersTasksByOwnerWorkerAndTime() {
        Fixtures.Owner alice = Fixtures.owner();
        Fixtures.Owner bob = Fixtures.owner();
        List<UUID> alices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alices.add(Fixtures.createTask(alice, "single_image"));
        }
        UUID bobs = Fixtures.createTask(bob, "z_image_turbo");
        String workerId = "list-gpu-" + UUID.randomUUID();
        Fixtures.Claimed claimed = Fixtures.claimOne(alice.localWorker(), workerId);

        List<String> firstPage = Api.as(ADMIN).get("/v1/admin/tasks?user_id=" + alice.userId() + "&limit=2").then()
                .statusCode(200).extract().jsonPath().getList("items.id");
        String cursor = Api.as(ADMIN).get("/v1/admin/tasks?user_id=" + alice.userId() + "&limit=2").then().extract()
                .path("next_cursor");
        List<String> secondPage = Api.as(ADMIN).get("/v1/admin/tasks?user_id=" + alice.userId() + "&limit=2&cursor="
                + cursor).then().statusCode(200).extract().jsonPath().getList("items.id");
        List<String> walked = new ArrayList<>(firstPage);
        walked.addAll(secondPage);
        List<String> newestFirst = new ArrayList<>(alices.stream().map(UUID::toString).toList());
        java.util.Collections.reverse(newestFirst);
        assertThat(walked).containsExactlyElementsOf(newestFirst);

        assertThat(Api.as(ADMIN).get("/v1/admin/tasks?worker_id=" + workerId).then().statusCode(200).extract()
                .jsonPath().getList("items.id")).containsExactly(claimed.taskId().toString());
        assertThat(Api.as(ADMIN).get("/v1/admin/tasks?user_id=" + bob.userId() + "&status=Queued&task_type=z_image_turbo")
                .then().statusCode(200).extract().jsonPath().getList("items.id")).containsExactly(bobs.toString());
        Instant bobsCreation = Fixtures.instant(bobs, "created_at");
        assertThat(Api.as(ADMIN).get("/v1/admin/tasks?user_id=" + bob.userId() + "&created_before=" + bobsCreation)
                .then().statusCode(200).extract().jsonPath().getList("items")).isEmpty();
        assertThat(Api.as(ADMIN).get("/v1/admin/tasks?user_id=" + bob.userId() + "&created_after=" + bobsCreation)
                .then().statusCode(200).extract().jsonPath().getList("items.id")).containsExactly(bobs.toString());

        Api.as(ADMIN).get("/v1/admin/tasks?user_id=nobody").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/tasks?created_after=yesterday").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/tasks?worker_id=" + "w".repeat(129)).then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/tasks?limit=201").then().statusCode(400);
        Api.as(alice.token()).get("/v1/admin/tasks").then().statusCode(403);
    }

    @Test
    void theFleetViewTellsCloudFromPersonalWorkersAndStaleFromOnline() {
        Fixtures.Owner owner = Fixtures.owner();
        Fixtures.createTask(owner, "single_image");
        String personal = "fleet-home-" + UUID.randomUUID();
        Fixtures.Claimed claimed = Fixtures.claimOne(owner.localWorker(), personal);
        String cloud = "fleet-cloud-" + UUID.randomUUID();
        Api.as(Tokens.worker()).body(body("worker_id", cloud)).post("/v1/workers/heartbeat").then().statusCode(200);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE workers SET last_heartbeat = now() - interval '45 seconds' WHERE id = ?", cloud);
        }

        List<Map<String, Object>> workers = Api.as(ADMIN).get("/v1/admin/workers?status=active&limit=200").then()
                .statusCode(200).extract().jsonPath().getList("items");
        Map<String, Object> home = workers.stream().filter(w -> personal.equals(w.get("id"))).findFirst().orElseThrow();
        assertThat(home).containsEntry("owner_kind", "personal").containsEntry("health", "online")
                .containsEntry("tasks_in_progress", 1).containsEntry("user_id", owner.userId().toString());
        assertThat(Instant.parse((String) home.get("next_lease_expires_at")))
                .isEqualTo(Fixtures.instant(claimed.taskId(), "lease_expires_at"));
        Map<String, Object> rented = workers.stream().filter(w -> cloud.equals(w.get("id"))).findFirst().orElseThrow();
        assertThat(rented).containsEntry("owner_kind", "cloud").containsEntry("health", "stale")
                .containsEntry("next_lease_expires_at", null);
    }

    @Test
    void theOverviewCountsTheLiveQueueTheFleetAndTheLastHour() {
        Fixtures.Owner owner = Fixtures.owner();
        Fixtures.createTask(owner, "image_upscale");
        Fixtures.createTask(owner, "image_upscale");
        Fixtures.claimOne(owner.localWorker(), "overview-gpu-" + UUID.randomUUID());

        JsonPath overview = Api.as(ADMIN).get("/v1/admin/overview").then().statusCode(200).extract().jsonPath();
        assertThat(overview.getList("queue.by_status_and_type.status")).doesNotContain("Complete", "Failed", "Cancelled");
        assertThat(overview.getInt("queue.by_status_and_type.find { it.status == 'Queued' && it.task_type == 'image_upscale' }.count"))
                .isGreaterThanOrEqualTo(1);
        assertThat(overview.getInt("fleet.online")).isGreaterThanOrEqualTo(1);
        assertThat(overview.getDouble("fleet.stale_after_seconds")).isEqualTo(40.0);
        assertThat(overview.getMap("outbox")).containsKeys("pending", "lag_seconds", "parked_generations", "parked_charges");
        List<Map<String, Object>> minutes = overview.getList("activity");
        assertThat(minutes).hasSize(60);
        Map<String, Object> now = minutes.get(59);
        assertThat((Integer) now.get("created")).isGreaterThanOrEqualTo(2);
        assertThat((Integer) now.get("claims")).isGreaterThanOrEqualTo(1);

        assertThat(Api.as(ADMIN).get("/v1/admin/activity?minutes=5").then().statusCode(200).extract().jsonPath()
                .getList("minute")).hasSize(5);
        Api.as(ADMIN).get("/v1/admin/activity?minutes=0").then().statusCode(400).body("code", equalTo("validation_failed"));
        Api.as(ADMIN).get("/v1/admin/activity?minutes=1441").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/activity?minutes=hour").then().statusCode(400);
        Api.as(owner.token()).get("/v1/admin/overview").then().statusCode(403);
    }

    @Test
    void theOverviewStreamSendsAFreshOverviewEveryFewSeconds() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(overviewStream.toURI())
                .header("Authorization", "Bearer " + ADMIN).header("Accept", "text/event-stream").GET().build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> overviews = new ArrayList<>();
        Instant started = Instant.now();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = lines.readLine(); line != null && overviews.size() < 2; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).trim();
                } else if (line.startsWith("data:")) {
                    assertThat(event).isEqualTo("overview");
                    overviews.add(json.readTree(line.substring("data:".length()).trim()));
                }
            }
        }
        assertThat(overviews).hasSize(2).allSatisfy(overview -> {
            assertThat(overview.path("queue").has("queued")).isTrue();
            assertThat(overview.path("activity").size()).isEqualTo(60);
        });
        assertThat(Duration.between(started, Instant.now())).as("the second one after about 2 s")
                .isLessThan(Duration.ofSeconds(10));

        Response refused = Api.as(Tokens.user(UUID.randomUUID())).get("/v1/admin/overview/stream");
        assertThat(refused.statusCode()).isEqualTo(403);
    }

    private static void clearBackoff(UUID task) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET run_after = NULL WHERE id = ?", task);
        }
    }
}
