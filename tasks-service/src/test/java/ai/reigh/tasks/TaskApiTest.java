package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Tasks for users: creation rules, idempotency, reads, counts, cancel, tenancy. */
@QuarkusTest
class TaskApiTest {

    @Test
    void aCreatedTaskIsQueuedWithTheTypesRunTypeAndTheOwnersId() {
        Fixtures.Owner owner = Fixtures.owner();
        Response created = Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "qwen_image",
                "params", Map.of("prompt", "a cat", "model_name", "qwen", "steps", 1.50))).post("/v1/tasks");
        created.then().statusCode(201).body("status", equalTo("Queued")).body("attempts", equalTo(0))
                .body("params.prompt", equalTo("a cat")).body("project_id", equalTo(owner.projectId().toString()))
                .body("dependant_on", hasSize(0)).body("worker_id", nullValue()).body("created_at", notNullValue())
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("lease_token")));
        UUID id = UUID.fromString(created.path("id"));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            List<Object> row = sql.query("SELECT user_id, run_type, is_orchestrator, model_name, max_attempts FROM tasks"
                    + " WHERE id = ?", id).get(0);
            assertThat(row).containsExactly(owner.userId(), "api", false, "qwen", 3);
        }
        Api.as(owner.token()).get("/v1/tasks/" + id).then().statusCode(200).body("id", equalTo(id.toString()))
                .body("task_type", equalTo("qwen_image"));
    }

    @Test
    void creationRefusesWhatItCannotRun() {
        Fixtures.Owner owner = Fixtures.owner();
        Fixtures.Owner stranger = Fixtures.owner();
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "no_such_type")).post("/v1/tasks").then()
                .statusCode(400).body("code", equalTo("validation_failed")).body("errors[0].field", equalTo("task_type"));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO task_cost_configs (task_type, billing_type, is_active) VALUES ('retired_type',"
                    + " 'per_unit', false) ON CONFLICT DO NOTHING");
        }
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "retired_type")).post("/v1/tasks").then()
                .statusCode(400).body("errors[0].field", equalTo("task_type"));
        Api.as(owner.token()).body(body("project_id", stranger.projectId(), "task_type", "single_image")).post("/v1/tasks").then()
                .statusCode(404).body("code", equalTo("not_found"));
        Api.as(owner.token()).body(body("project_id", UUID.randomUUID(), "task_type", "single_image")).post("/v1/tasks").then()
                .statusCode(404);
        UUID foreignTask = Fixtures.createTask(stranger, "single_image");
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "dependant_on", List.of(foreignTask)))
                .post("/v1/tasks").then().statusCode(404);
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "status", "Complete"))
                .post("/v1/tasks").then().statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "user_id", stranger.userId()))
                .post("/v1/tasks").then().statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "params", List.of(1)))
                .post("/v1/tasks").then().statusCode(400).body("errors[0].field", equalTo("params"));
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "params",
                Map.of("shot_id", "not-a-uuid", "add_in_position", "yes"))).post("/v1/tasks").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("params.shot_id", "params.add_in_position"));
        // The params that route a task's output onto a source generation (projects-service reads them).
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "params",
                Map.of("based_on", "gen-1", "create_as_generation", "no", "is_primary", 1, "variant_type", "Up Scaled")))
                .post("/v1/tasks").then().statusCode(400).body("errors.field", org.hamcrest.Matchers.hasItems(
                        "params.based_on", "params.create_as_generation", "params.is_primary", "params.variant_type"));
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "params",
                Map.of("blob", "x".repeat(70_000)))).post("/v1/tasks").then().statusCode(413)
                .body("code", equalTo("payload_too_large"));
        Api.as(owner.token()).body("{\"project_id\": ").post("/v1/tasks").then().statusCode(400).body("code", equalTo("malformed_json"));
        assertThat(count(owner.userId())).isZero();
    }

    @Test
    void aDependencyInAnotherProjectOfTheSameOwnerIsNotFound() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID elsewhere = UUID.fromString(Api.as(owner.token()).body(body("project_id", owner.anotherProject(),
                "task_type", "single_image")).post("/v1/tasks").then().statusCode(201).extract().path("id"));
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "dependant_on",
                List.of(elsewhere))).post("/v1/tasks").then().statusCode(404);
    }

    @Test
    void aDependencyThatAlreadyFailedOrWasCancelledIsAConflict() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID dependency = Fixtures.createTask(owner, "single_image");
        Api.as(owner.token()).post("/v1/tasks/" + dependency + "/cancel").then().statusCode(200);
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "dependant_on",
                List.of(dependency))).post("/v1/tasks").then().statusCode(409).body("code", equalTo("dependency_failed"));
    }

    @Test
    void anIdempotencyKeyReplaysTheSameRequestAndRefusesAnother() {
        Fixtures.Owner owner = Fixtures.owner();
        var request = body("project_id", owner.projectId(), "task_type", "single_image", "params",
                Map.of("prompt", "x", "n", 1), "idempotency_key", "key-1");
        String first = Api.as(owner.token()).body(request).post("/v1/tasks").then().statusCode(201).extract().path("id");
        // The same request (keys in another order, 1 == 1.0) through the header: the same task, 200.
        Api.as(owner.token()).header("Idempotency-Key", "key-1").body("{\"params\": {\"n\": 1.0, \"prompt\": \"x\"},"
                + " \"task_type\": \"single_image\", \"project_id\": \"" + owner.projectId() + "\"}").post("/v1/tasks")
                .then().statusCode(200).body("id", equalTo(first));
        Api.as(owner.token()).body(body("project_id", owner.projectId(), "task_type", "single_image", "params",
                Map.of("prompt", "y"), "idempotency_key", "key-1")).post("/v1/tasks").then().statusCode(409)
                .body("code", equalTo("idempotency_key_reused"));
        Api.as(owner.token()).header("Idempotency-Key", "key-2").body(request).post("/v1/tasks").then()
                .statusCode(400).body("errors[0].field", equalTo("idempotency_key"));
        // Keys are scoped to the caller: another user may use the same key.
        Fixtures.Owner other = Fixtures.owner();
        Api.as(other.token()).body(body("project_id", other.projectId(), "task_type", "single_image",
                "idempotency_key", "key-1")).post("/v1/tasks").then().statusCode(201);
        assertThat(count(owner.userId())).isEqualTo(1);
    }

    @Test
    void concurrentCreationsWithOneKeyMakeOneTask() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        int threads = 12;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return Api.as(owner.token()).header("Idempotency-Key", "race").body(body("project_id",
                            owner.projectId(), "task_type", "single_image")).post("/v1/tasks");
                }));
            }
            Set<String> ids = new HashSet<>();
            int created = 0;
            for (Future<Response> answer : answers) {
                Response response = answer.get();
                assertThat(response.statusCode()).isIn(200, 201);
                created += response.statusCode() == 201 ? 1 : 0;
                ids.add(response.path("id"));
            }
            assertThat(created).isEqualTo(1);
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(owner.userId())).isEqualTo(1);
    }

    @Test
    void listsAreNewestFirstFilteredAndPaged() {
        Fixtures.Owner owner = Fixtures.owner();
        List<UUID> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(Fixtures.createTask(owner, "single_image"));
        }
        UUID elsewhere = owner.anotherProject();
        Api.as(owner.token()).body(body("project_id", elsewhere, "task_type", "single_image")).post("/v1/tasks").then()
                .statusCode(201);
        Api.as(owner.token()).post("/v1/tasks/" + made.get(0) + "/cancel").then().statusCode(200);

        Response page1 = Api.as(owner.token()).get("/v1/tasks?project_id=" + owner.projectId() + "&limit=3");
        page1.then().statusCode(200).body("items", hasSize(3)).body("items[0].id", equalTo(made.get(4).toString()));
        Response page2 = Api.as(owner.token()).get("/v1/tasks?project_id=" + owner.projectId() + "&limit=3&cursor="
                + page1.path("next_cursor"));
        page2.then().statusCode(200).body("items", hasSize(2)).body("next_cursor", nullValue())
                .body("items[1].id", equalTo(made.get(0).toString()));
        Api.as(owner.token()).get("/v1/tasks?limit=200").then().statusCode(200).body("items", hasSize(6));
        Api.as(owner.token()).get("/v1/tasks?status=Cancelled").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].id", equalTo(made.get(0).toString()));
        Api.as(owner.token()).get("/v1/tasks?status=Done").then().statusCode(400).body("errors[0].field", equalTo("status"));
        Api.as(owner.token()).get("/v1/tasks?project_id=nope").then().statusCode(400);
        Api.as(owner.token()).get("/v1/tasks?limit=201").then().statusCode(400);
        Api.as(owner.token()).get("/v1/tasks?cursor=garbage").then().statusCode(400).body("code", equalTo("invalid_cursor"));

        Api.as(owner.token()).get("/v1/tasks/counts?project_id=" + owner.projectId()).then().statusCode(200)
                .body("queued", equalTo(4)).body("cancelled", equalTo(1)).body("in_progress", equalTo(0))
                .body("complete", equalTo(0)).body("failed", equalTo(0));
        Api.as(owner.token()).get("/v1/tasks/counts").then().statusCode(200).body("queued", equalTo(5));
    }

    @Test
    void anotherUsersTasksAndProjectsAreNotFound() {
        Fixtures.Owner owner = Fixtures.owner();
        Fixtures.Owner stranger = Fixtures.owner();
        UUID task = Fixtures.createTask(owner, "single_image");
        Api.as(stranger.token()).get("/v1/tasks/" + task).then().statusCode(404).body("code", equalTo("not_found"));
        Api.as(stranger.token()).post("/v1/tasks/" + task + "/cancel").then().statusCode(404);
        Api.as(stranger.token()).get("/v1/tasks?project_id=" + owner.projectId()).then().statusCode(404);
        Api.as(stranger.token()).get("/v1/tasks/counts?project_id=" + owner.projectId()).then().statusCode(404);
        Api.as(stranger.token()).get("/v1/tasks").then().statusCode(200).body("items", hasSize(0));
        assertThat(Fixtures.status(task)).isEqualTo("Queued");
    }

    @Test
    void cancellingADependencyFailsItsDependantsTransitivelyAndAnOrchestratorsSubtasks() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID root = Fixtures.createTask(owner, "single_image");
        UUID child = Fixtures.createTask(owner, "image_edit", Map.of(), List.of(root));
        UUID grandchild = Fixtures.createTask(owner, "image_upscale", Map.of(), List.of(child));
        UUID unrelated = Fixtures.createTask(owner, "single_image");
        Api.as(owner.token()).post("/v1/tasks/" + root + "/cancel").then().statusCode(200)
                .body("status", equalTo("Cancelled"));
        Api.as(owner.token()).get("/v1/tasks/" + child).then().body("status", equalTo("Failed"))
                .body("error_message", equalTo("dependency " + root + " ended Cancelled"));
        Api.as(owner.token()).get("/v1/tasks/" + grandchild).then().body("status", equalTo("Failed"))
                .body("error_message", equalTo("dependency " + child + " ended Failed"));
        assertThat(Fixtures.status(unrelated)).isEqualTo("Queued");
        Api.as(owner.token()).post("/v1/tasks/" + root + "/cancel").then().statusCode(409)
                .body("code", equalTo("invalid_transition"));
    }

    @Test
    void workersCannotUseTheUserRoutes() {
        Fixtures.Owner owner = Fixtures.owner();
        Api.as(Tokens.worker()).get("/v1/tasks").then().statusCode(403).body("code", equalTo("forbidden"));
        Api.as(owner.localWorker()).body(body("project_id", owner.projectId(), "task_type", "single_image"))
                .post("/v1/tasks").then().statusCode(403);
        Api.given().get("/v1/tasks").then().statusCode(401).body("code", equalTo("unauthorized"));
    }

    private static long count(UUID userId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.count("SELECT count(*) FROM tasks WHERE user_id = ?", userId);
        }
    }
}
