package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Leases fence every worker write; heartbeats renew them and carry cancellations. */
@QuarkusTest
class LeaseTest {

    private static String snapshot(UUID taskId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.query("SELECT status, lease_token, lease_expires_at, attempts, output_location, error_message,"
                    + " generation_started_at, result_data::text, updated_at FROM tasks WHERE id = ?", taskId).toString();
        }
    }

    @Test
    void aStaleLeaseWritesNothingAnywhere() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "travel_orchestrator");
        Fixtures.Claimed first = Fixtures.claimOne(worker, "stale-1");
        // The first worker froze; its lease was taken back and the task went to another worker.
        Fixtures.takeLeaseBack(taskId);
        Fixtures.Claimed second = Fixtures.claimOne(worker, "stale-2");
        assertThat(second.taskId()).isEqualTo(taskId);
        String before = snapshot(taskId);
        String path = "/v1/workers/tasks/" + taskId;
        var stale = Api.as(worker);
        stale.body(body("lease_token", first.leaseToken())).post(path + "/start").then().statusCode(409)
                .body("code", equalTo("lease_lost"));
        stale.body(body("lease_token", first.leaseToken(), "output_location", "https://x/stale.png"))
                .post(path + "/complete").then().statusCode(409).body("code", equalTo("lease_lost"));
        stale.body(body("lease_token", first.leaseToken(), "error", "late", "retryable", true)).post(path + "/fail")
                .then().statusCode(409).body("code", equalTo("lease_lost"));
        stale.body(body("parent_task_id", taskId, "lease_token", first.leaseToken(), "task_type", "travel_segment"))
                .post("/v1/workers/tasks").then().statusCode(409).body("code", equalTo("lease_lost"));
        Response beat = stale.body(body("worker_id", "stale-1", "leases", List.of(Map.of("task_id", taskId,
                "lease_token", first.leaseToken())))).post("/v1/workers/heartbeat");
        beat.then().statusCode(200).body("lost_task_ids", equalTo(List.of(taskId.toString())));
        assertThat(snapshot(taskId)).isEqualTo(before);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE parent_task_id = ?", taskId)).isZero();
            assertThat(sql.count("SELECT count(*) FROM task_outbox WHERE task_id = ?", taskId)).isZero();
        }
        // The current holder is unaffected.
        Api.as(worker).body(body("lease_token", second.leaseToken())).post(path + "/start").then().statusCode(200);
    }

    @Test
    void startMarksTheBillingStartAndRenewsTheLease() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "starter");
        Instant claimedAt = Fixtures.instant(taskId, "generation_started_at");
        Thread.sleep(50);
        Response started = Api.as(worker).body(body("lease_token", claimed.leaseToken()))
                .post("/v1/workers/tasks/" + taskId + "/start");
        started.then().statusCode(200).body("status", equalTo("In Progress"));
        assertThat(Instant.parse(started.path("generation_started_at"))).isAfter(claimedAt);
    }

    @Test
    void heartbeatsRegisterTheWorkerRenewWhatItHoldsAndReportCancellations() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID kept = Fixtures.createTask(owner, "single_image");
        UUID cancelled = Fixtures.createTask(owner, "single_image");
        Response claim = Fixtures.claim(worker, body("worker_id", "beater", "limit", 2));
        claim.then().statusCode(200).body("tasks", hasSize(2));
        Instant expiry = Fixtures.instant(kept, "lease_expires_at");
        Api.as(owner.token()).post("/v1/tasks/" + cancelled + "/cancel").then().statusCode(200);
        UUID foreign = Fixtures.createTask(Fixtures.owner(), "single_image");
        Thread.sleep(20);

        Response beat = Api.as(worker).body(body("worker_id", "beater", "status", "active", "current_model", "wan-2.2",
                "vram_total_mb", 24576, "vram_used_mb", 18000, "task_ids", List.of(kept, cancelled, foreign)))
                .post("/v1/workers/heartbeat");
        beat.then().statusCode(200).body("cancel_task_ids", equalTo(List.of(cancelled.toString())))
                .body("lost_task_ids", equalTo(List.of(foreign.toString()))).body("heartbeat_interval_seconds", equalTo(20));
        Instant renewed = Fixtures.instant(kept, "lease_expires_at");
        assertThat(renewed).isAfter(expiry);
        assertThat(Instant.parse(beat.path("lease_expires_at"))).isAfterOrEqualTo(renewed.minusMillis(1000));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            // Worker ids live in their owner's namespace: other tests' "beater" workers are other rows.
            assertThat(sql.query("SELECT user_id, status, current_model, vram_total_mb, vram_used_mb FROM workers"
                    + " WHERE id = 'beater' AND user_id = ?", owner.userId()).get(0)).containsExactly(owner.userId(), "active", "wan-2.2", 24576, 18000);
        }
        // A heartbeat needs no claim first, and may come from a cloud worker.
        Api.as(Tokens.worker()).body(body("worker_id", "fresh-cloud-worker")).post("/v1/workers/heartbeat").then()
                .statusCode(200).body("cancel_task_ids", hasSize(0));
        // The same id from a cloud worker is another worker (its own namespace): the owner's is untouched.
        Api.as(Tokens.worker()).body(body("worker_id", "beater", "status", "inactive")).post("/v1/workers/heartbeat")
                .then().statusCode(200);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT status FROM workers WHERE id = 'beater' AND user_id = ?", owner.userId()))
                    .isEqualTo("active");
        }
        Api.as(worker).body(body("worker_id", "beater", "status", "sleeping")).post("/v1/workers/heartbeat").then()
                .statusCode(400).body("errors[0].field", equalTo("status"));
    }

    @Test
    void aCrashedWorkerGivesItsTasksBack() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID again = Fixtures.createTask(owner, "single_image");
        UUID lastTry = Fixtures.createTask(owner, "single_image");
        UUID dependant = Fixtures.createTask(owner, "image_edit", Map.of(), List.of(lastTry));
        Fixtures.claim(worker, body("worker_id", "crasher", "limit", 2)).then().statusCode(200).body("tasks", hasSize(2));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET max_attempts = 1 WHERE id = ?", lastTry);
        }
        Api.as(worker).body(body("worker_id", "crasher", "status", "crashed")).post("/v1/workers/heartbeat").then()
                .statusCode(200);
        assertThat(Fixtures.status(again)).isEqualTo("Queued");
        assertThat(Fixtures.column(again, "attempts")).isEqualTo(1);
        assertThat(Fixtures.status(lastTry)).isEqualTo("Failed");
        assertThat((String) Fixtures.column(lastTry, "error_message")).contains("crasher crashed");
        assertThat(Fixtures.status(dependant)).isEqualTo("Failed");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT status FROM workers WHERE id = 'crasher'")).isEqualTo("crashed");
        }
    }

    @Test
    void anOrchestratorCreatesSubtasksInItsProjectWhileItHoldsTheLease() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID parent = Fixtures.createTask(owner, "travel_orchestrator");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "orchestrator");
        Response child = Api.as(worker).header("Idempotency-Key", "segment-1").body(body("parent_task_id", parent,
                "lease_token", claimed.leaseToken(), "task_type", "travel_segment", "params", Map.of("segment", 1)))
                .post("/v1/workers/tasks");
        child.then().statusCode(201).body("parent_task_id", equalTo(parent.toString()))
                .body("project_id", equalTo(owner.projectId().toString())).body("status", equalTo("Queued"));
        UUID childId = UUID.fromString(child.path("id"));
        // A retried call with the same key is the same sub-task.
        Api.as(worker).header("Idempotency-Key", "segment-1").body(body("parent_task_id", parent, "lease_token",
                claimed.leaseToken(), "task_type", "travel_segment", "params", Map.of("segment", 1)))
                .post("/v1/workers/tasks").then().statusCode(200).body("id", equalTo(childId.toString()));
        UUID stitch = UUID.fromString(Api.as(worker).body(body("parent_task_id", parent, "lease_token",
                claimed.leaseToken(), "task_type", "travel_stitch", "dependant_on", List.of(childId)))
                .post("/v1/workers/tasks").then().statusCode(201).extract().path("id"));
        assertThat(Fixtures.column(childId, "user_id")).isEqualTo(owner.userId());
        assertThat(Fixtures.column(stitch, "is_orchestrator")).isEqualTo(false);
        assertThat(Fixtures.column(parent, "is_orchestrator")).isEqualTo(true);
        Api.as(owner.token()).get("/v1/tasks/" + childId).then().statusCode(200);
        // Another owner's worker cannot see the parent.
        Api.as(Fixtures.owner().localWorker()).body(body("parent_task_id", parent, "lease_token", claimed.leaseToken(),
                "task_type", "travel_segment")).post("/v1/workers/tasks").then().statusCode(404);
        // Cancelling the orchestrator cancels its sub-tasks.
        Api.as(owner.token()).post("/v1/tasks/" + parent + "/cancel").then().statusCode(200);
        assertThat(Fixtures.status(childId)).isEqualTo("Cancelled");
        assertThat(Fixtures.status(stitch)).isIn("Cancelled", "Failed");
    }

    @Test
    void aFailedOrchestratorTakesItsPendingSubtasksWithIt() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID parent = Fixtures.createTask(owner, "travel_orchestrator");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "doomed-orchestrator");
        UUID child = UUID.fromString(Api.as(worker).body(body("parent_task_id", parent, "lease_token",
                claimed.leaseToken(), "task_type", "travel_segment")).post("/v1/workers/tasks").then().statusCode(201)
                .extract().path("id"));
        UUID afterChild = Fixtures.createTask(owner, "join_final_stitch", Map.of(), List.of(child));
        // A retryable failure keeps the sub-tasks for the next attempt.
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "error", "oom", "retryable", true))
                .post("/v1/workers/tasks/" + parent + "/fail").then().statusCode(200).body("status", equalTo("Queued"));
        assertThat(Fixtures.status(child)).isEqualTo("Queued");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET run_after = NULL WHERE id = ?", parent);
        }
        Response again = Fixtures.claim(worker, body("worker_id", "doomed-orchestrator", "limit", 5));
        String lease = again.path("tasks.find { it.id == '" + parent + "' }.lease_token");
        Api.as(worker).body(body("lease_token", lease, "error", "bad prompt", "retryable", false))
                .post("/v1/workers/tasks/" + parent + "/fail").then().statusCode(200).body("status", equalTo("Failed"));
        assertThat(Fixtures.status(child)).isIn("Cancelled");
        assertThat((String) Fixtures.column(child, "error_message")).isEqualTo("cancelled with its parent task " + parent);
        assertThat(Fixtures.status(afterChild)).isEqualTo("Failed");
    }

    @Test
    void storageServiceChecksALeaseThroughTheInternalRoute() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed claimed = Fixtures.claimOne(owner.localWorker(), "lease-checker");
        String service = Tokens.service();
        Api.as(service).get("/internal/v1/tasks/" + taskId + "/lease?lease_token=" + claimed.leaseToken()).then()
                .statusCode(200).body("task_id", equalTo(taskId.toString()))
                .body("user_id", equalTo(owner.userId().toString()))
                .body("project_id", equalTo(owner.projectId().toString()));
        Api.as(service).get("/internal/v1/tasks/" + taskId + "/lease?lease_token=" + UUID.randomUUID()).then()
                .statusCode(409).body("code", equalTo("lease_lost"));
        Api.as(service).get("/internal/v1/tasks/" + UUID.randomUUID() + "/lease?lease_token=" + UUID.randomUUID())
                .then().statusCode(404);
        Api.as(service).get("/internal/v1/tasks/" + taskId + "/lease").then().statusCode(400);
        Api.as(owner.localWorker()).get("/internal/v1/tasks/" + taskId + "/lease?lease_token=" + claimed.leaseToken())
                .then().statusCode(403);
    }

    @Test
    void completionRequestsAreValidated() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "validator");
        String path = "/v1/workers/tasks/" + taskId + "/complete";
        Api.as(worker).body(body("lease_token", claimed.leaseToken())).post(path).then().statusCode(400);
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "https://x/a.png", "object_id",
                UUID.randomUUID())).post(path).then().statusCode(400);
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "https://x/a.png",
                "result_data", List.of(1))).post(path).then().statusCode(400).body("errors[0].field", equalTo("result_data"));
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "https://x/a.png",
                "status", "Complete")).post(path).then().statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "file:///etc/passwd"))
                .post(path).then().statusCode(400).body("errors[0].field", equalTo("output_location"));
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "https://x/a.png",
                "thumbnail_url", "not a url")).post(path).then().statusCode(400)
                .body("errors[0].field", equalTo("thumbnail_url"));
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "error", "", "retryable", true))
                .post("/v1/workers/tasks/" + taskId + "/fail").then().statusCode(400);
        assertThat(Fixtures.status(taskId)).isEqualTo("In Progress");
        Api.as(Tokens.worker()).body(body("lease_token", claimed.leaseToken(), "output_location", "https://x/a.png"))
                .post("/v1/workers/tasks/" + UUID.randomUUID() + "/complete").then().statusCode(404);
        // Another owner's local worker cannot see the task at all.
        Api.as(Fixtures.owner().localWorker()).body(body("lease_token", claimed.leaseToken(), "output_location",
                "https://x/a.png")).post(path).then().statusCode(404);
        Api.as(owner.token()).body(body("lease_token", claimed.leaseToken(), "output_location", "https://x/a.png"))
                .post(path).then().statusCode(403);
    }
}
