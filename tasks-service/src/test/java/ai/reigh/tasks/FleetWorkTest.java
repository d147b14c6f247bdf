package ai.reigh.tasks;

import static ai.reigh.tasks.Fleet.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.tasks.repository.ExpiredLease;
import ai.reigh.tasks.service.Reaper;
import ai.reigh.tasks.service.ReaperHooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;

/**
 * The fleet's work calls against the real queue: the claim's shape and its long poll, heartbeats that
 * renew every lease the worker holds (and race the reaper safely), crashed and terminated workers
 * handing their tasks back, status updates fenced by the credential's worker, completions by URL and by
 * JSON result, reads scoped to the owner, and the body limits of the compatibility routes.
 */
@QuarkusTest
class FleetWorkTest {
    @Inject
    Reaper reaper;

    @Inject
    ReaperHooks hooks;

    @AfterEach
    void clearHooks() {
        hooks.clear();
    }

    private static Instant instant(UUID taskId, String column) {
        Object value = Fleet.column(taskId, column);
        return value == null ? null : ((Timestamp) value).toInstant();
    }

    @Test
    void aClaimAnswersTheFleetsShapeWithALeaseThatOutlastsItsHeartbeats() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image", Map.of("prompt", "a harbour", "model_name", "flux"),
                List.of());
        String token = Tokens.localFleetWorker(owner.userId(), "shape-1");
        Response claimed = Fleet.call(token, "claim-next-task", body("worker_id", "shape-1", "run_type", "gpu",
                "same_model_only", true, "max_task_wait_minutes", 5));
        claimed.then().statusCode(200).body("task_id", equalTo(taskId.toString()))
                .body("task_type", equalTo("single_image")).body("project_id", equalTo(owner.projectId().toString()))
                .body("params.prompt", equalTo("a harbour")).body("attempts", equalTo(0));
        assertThat(Fleet.column(taskId, "worker_id")).isEqualTo("shape-1");
        assertThat(instant(taskId, "lease_expires_at")).as("the fleet's lease (90 s) outlasts its 20 s beats")
                .isAfter(Instant.now().plusSeconds(75));
        // Nothing left: 204 after the (test) long poll.
        long started = System.nanoTime();
        Fleet.call(token, "claim-next-task", body("worker_id", "shape-1", "run_type", "gpu")).then().statusCode(204);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aClaimThatWaitsGetsATaskQueuedMeanwhileAtOnce() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String token = Tokens.localFleetWorker(owner.userId(), "long-poll");
        CompletableFuture<Response> claim = CompletableFuture.supplyAsync(() -> Fleet.call(token, "claim-next-task",
                body("worker_id", "long-poll", "run_type", "gpu")));
        Thread.sleep(300);
        long queuedAt = System.nanoTime();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Response answer = claim.get(10, TimeUnit.SECONDS);
        answer.then().statusCode(200).body("task_id", equalTo(taskId.toString()));
        assertThat(Duration.ofNanos(System.nanoTime() - queuedAt)).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void aHeartbeatRenewsEveryLeaseTheWorkerHoldsAndNoOneElses() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID first = Fixtures.createTask(owner, "single_image");
        UUID second = Fixtures.createTask(owner, "single_image");
        UUID others = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "beater");
        String other = Tokens.localFleetWorker(owner.userId(), "bystander");
        Fleet.claim(token, "beater");
        Fleet.claim(token, "beater");
        Fleet.claim(other, "bystander");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET lease_expires_at = now() + interval '5 seconds' WHERE id IN (?, ?, ?)", first,
                    second, others);
        }
        Fleet.beat(token, "beater", "active").then().statusCode(200).body("success", equalTo(true))
                .body("worker_id", equalTo("beater")).body("leases_renewed", equalTo(2));
        assertThat(instant(first, "lease_expires_at")).isAfter(Instant.now().plusSeconds(75));
        assertThat(instant(second, "lease_expires_at")).isAfter(Instant.now().plusSeconds(75));
        assertThat(instant(others, "lease_expires_at")).isBefore(Instant.now().plusSeconds(10));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.query("SELECT status, vram_total_mb, vram_used_mb FROM workers WHERE id = 'beater'"
                    + " AND user_id = ?", owner.userId()).get(0)).containsExactly("active", 24576, 18000);
        }
    }

    @Test
    void crashedAndTerminatedWorkersHandTheirTasksBackNamingNoWorker() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "mortal");
        Fleet.claim(token, "mortal");
        Fleet.beat(token, "mortal", "crashed").then().statusCode(200).body("success", equalTo(true));
        assertThat(Fixtures.status(taskId)).isEqualTo("Queued");
        assertThat(Fleet.column(taskId, "worker_id")).isNull();
        assertThat(Fleet.column(taskId, "attempts")).isEqualTo(1);

        Fleet.claim(token, "mortal");
        Fleet.beat(token, "mortal", "terminated").then().statusCode(200);
        assertThat(Fixtures.status(taskId)).isEqualTo("Queued");
        assertThat(Fleet.column(taskId, "worker_id")).isNull();
        assertThat(Fleet.column(taskId, "attempts")).as("attempts count claims, as always").isEqualTo(2);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT status FROM workers WHERE id = 'mortal' AND user_id = ?", owner.userId()))
                    .isEqualTo("terminated");
        }
    }

    @Test
    void statusUpdatesStartBillingRequeueAndFailTheTaskTheWorkerHolds() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "reporter");
        Fleet.claim(token, "reporter");
        Instant claimedAt = instant(taskId, "generation_started_at");
        Thread.sleep(50);
        Fleet.status(token, body("task_id", taskId, "status", "In Progress", "reset_generation_started_at", true)).then()
                .statusCode(200).body("success", equalTo(true)).body("status", equalTo("In Progress"));
        assertThat(instant(taskId, "generation_started_at")).as("billing starts once the model is loaded")
                .isAfter(claimedAt);

        // A retryable error: back to the queue (after the backoff), the worker forgotten, attempts as counted.
        Fleet.status(token, body("task_id", taskId, "status", "Queued", "attempts", 1, "error_details", "CUDA out of memory",
                "clear_worker", true)).then().statusCode(200).body("status", equalTo("Queued"));
        assertThat(Fleet.column(taskId, "worker_id")).isNull();
        assertThat(Fleet.column(taskId, "attempts")).isEqualTo(1);
        assertThat(Fleet.column(taskId, "error_message")).isEqualTo("CUDA out of memory");
        assertThat(instant(taskId, "run_after")).isAfter(Instant.now());

        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET run_after = NULL WHERE id = ?", taskId);
        }
        Fleet.claim(token, "reporter");
        Fleet.status(token, body("task_id", taskId, "status", "Failed", "output_location", "x".repeat(5000))).then()
                .statusCode(200).body("status", equalTo("Failed"));
        assertThat(Fixtures.status(taskId)).isEqualTo("Failed");
        assertThat((String) Fleet.column(taskId, "error_message")).as("a long error is kept, cut to the column")
                .hasSize(4000);
        // Complete goes through complete_task.
        Fleet.status(token, body("task_id", taskId, "status", "Complete")).then().statusCode(400);
        // In Progress with output_location is an orchestrator's report only.
        UUID plain = Fixtures.createTask(owner, "single_image");
        Fleet.claim(token, "reporter");
        Fleet.status(token, body("task_id", plain, "status", "In Progress", "output_location", "orchestrating")).then()
                .statusCode(422).body("code", equalTo("not_an_orchestrator"));
    }

    @Test
    void aStaleWorkersCompletionAndItsAutomaticFailedWriteNothing() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String stale = Tokens.localFleetWorker(owner.userId(), "frozen");
        String fresh = Tokens.localFleetWorker(owner.userId(), "fresh");
        Fleet.claim(stale, "frozen");
        // The first worker froze past its lease; the reaper took it back and another worker has it now.
        Fixtures.takeLeaseBack(taskId);
        Fleet.claim(fresh, "fresh");
        String before = Fleet.snapshot(taskId);

        Fleet.status(stale, body("task_id", taskId, "status", "In Progress", "reset_generation_started_at", true)).then()
                .statusCode(409).body("code", equalTo("lease_lost"));
        Fleet.call(stale, "complete_task", body("task_id", taskId, "output_location", "https://cdn.test/stale.png")).then()
                .statusCode(409).body("code", equalTo("lease_lost"));
        Fleet.status(stale, body("task_id", taskId, "status", "Failed", "output_location", "Completion failed: 409"))
                .then().statusCode(409).body("code", equalTo("lease_lost"));
        Fleet.status(stale, body("task_id", taskId, "status", "Queued", "attempts", 2, "clear_worker", true)).then()
                .statusCode(409);
        Fleet.call(stale, "generate-upload-url", body("task_id", taskId, "filename", "out.mp4", "content_type",
                "video/mp4")).then().statusCode(409);
        Fleet.beat(stale, "frozen", "active").then().statusCode(200).body("leases_renewed", equalTo(0));
        Fleet.beat(stale, "frozen", "crashed").then().statusCode(200);
        assertThat(Fleet.snapshot(taskId)).as("the stale worker wrote nothing").isEqualTo(before);

        Fleet.call(fresh, "complete_task", body("task_id", taskId, "output_location", "https://cdn.test/fresh.png"))
                .then().statusCode(200).body("success", equalTo(true)).body("public_url", equalTo("https://cdn.test/fresh.png"));
        assertThat(Fixtures.status(taskId)).isEqualTo("Complete");
    }

    @Test
    void twoWorkersCompletingOneTaskAtOnceRecordTheHoldersCompletionOnly() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        for (int round = 0; round < 5; round++) {
            UUID taskId = Fixtures.createTask(owner, "single_image");
            String stale = Tokens.localFleetWorker(owner.userId(), "racer-stale-" + round);
            String holder = Tokens.localFleetWorker(owner.userId(), "racer-holder-" + round);
            Fleet.claim(stale, "racer-stale-" + round);
            Fixtures.takeLeaseBack(taskId);
            Fleet.claim(holder, "racer-holder-" + round);
            CyclicBarrier barrier = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Integer> late = pool.submit(() -> {
                barrier.await();
                return Fleet.call(stale, "complete_task", body("task_id", taskId, "output_location",
                        "https://cdn.test/stale.png")).statusCode();
            });
            Future<Integer> current = pool.submit(() -> {
                barrier.await();
                return Fleet.call(holder, "complete_task", body("task_id", taskId, "output_location",
                        "https://cdn.test/holder.png")).statusCode();
            });
            assertThat(late.get()).isEqualTo(409);
            assertThat(current.get()).isEqualTo(200);
            pool.shutdown();
            assertThat(Fleet.column(taskId, "output_location")).isEqualTo("https://cdn.test/holder.png");
            assertThat(Fleet.count("SELECT count(*) FROM task_outbox WHERE task_id = ? AND kind = 'charge'", taskId))
                    .isEqualTo(1);
        }
        // One worker sending two different completions at once: one is recorded, the other is a conflict.
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "double");
        Fleet.claim(token, "double");
        CyclicBarrier barrier = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Integer> a = pool.submit(() -> {
            barrier.await();
            return Fleet.call(token, "complete_task", body("task_id", taskId, "output_location", "https://cdn.test/a.png"))
                    .statusCode();
        });
        Future<Integer> b = pool.submit(() -> {
            barrier.await();
            return Fleet.call(token, "complete_task", body("task_id", taskId, "output_location", "https://cdn.test/b.png"))
                    .statusCode();
        });
        assertThat(List.of(a.get(), b.get())).containsExactlyInAnyOrder(200, 409);
        pool.shutdown();
    }

    @Test
    void aRetriedCompletionAnswersTheFirstOne() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "retrier");
        Fleet.claim(token, "retrier");
        Map<String, Object> completion = body("task_id", taskId, "output_location", "https://cdn.test/once.png");
        Fleet.call(token, "complete_task", completion).then().statusCode(200);
        Fleet.call(token, "complete_task", completion).then().statusCode(200)
                .body("public_url", equalTo("https://cdn.test/once.png"));
        Fleet.call(token, "complete_task", body("task_id", taskId, "output_location", "https://cdn.test/other.png"))
                .then().statusCode(409);
        assertThat(Fleet.count("SELECT count(*) FROM task_outbox WHERE task_id = ?", taskId)).isEqualTo(2);
    }

    @Test
    void aJsonOutputCompletesTheTaskWithoutAGeneration() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID json = Fixtures.createTask(owner, "single_image");
        UUID media = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "outputs");
        Fleet.claim(token, "outputs");
        Fleet.claim(token, "outputs");
        String result = "{\"enhanced_prompt\": \"a harbour at dawn\", \"frames\": 81}";
        Fleet.call(token, "complete_task", body("task_id", json, "output_location", result)).then().statusCode(200)
                .body("public_url", equalTo(result));
        Fleet.call(token, "complete_task", body("task_id", media, "output_location", "https://cdn.test/still.png")).then()
                .statusCode(200);
        assertThat(Fleet.column(json, "output_location")).isEqualTo(result);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.query("SELECT kind FROM task_outbox WHERE task_id = ? ORDER BY kind", json))
                    .as("a JSON result is charged but is no generation").containsExactly(List.of("charge"));
            assertThat(sql.query("SELECT kind FROM task_outbox WHERE task_id = ? ORDER BY kind", media))
                    .containsExactly(List.of("charge"), List.of("generation"));
        }
        // An http URL is checked as on the platform's own protocol.
        UUID bad = Fixtures.createTask(owner, "single_image");
        Fleet.claim(token, "outputs");
        Fleet.call(token, "complete_task", body("task_id", bad, "output_location", "https://")).then().statusCode(400);
    }

    @Test
    void aHeartbeatBetweenTheReapersReadAndWriteKeepsTheTask() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "alive-after-all");
        Fleet.claim(token, "alive-after-all");
        CountDownLatch seen = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        hooks.beforeTakeBack(leases -> {
            if (leases.stream().map(ExpiredLease::taskId).anyMatch(taskId::equals)) {
                seen.countDown();
                return Uni.createFrom().completionStage(release);
            }
            return Uni.createFrom().voidItem();
        });
        Fixtures.expireLease(taskId);
        CompletableFuture<Reaper.Run> run = reaper.runOnce().subscribeAsCompletionStage();
        assertThat(seen.await(20, TimeUnit.SECONDS)).isTrue();
        Fleet.beat(token, "alive-after-all", "active").then().statusCode(200).body("leases_renewed", equalTo(1));
        release.complete(null);
        run.get(20, TimeUnit.SECONDS);
        assertThat(Fixtures.status(taskId)).isEqualTo("In Progress");
        assertThat(Fleet.column(taskId, "worker_id")).isEqualTo("alive-after-all");
        assertThat(Fleet.column(taskId, "attempts")).isEqualTo(1);
    }

    @Test
    void aHeartbeatAfterTheReaperTookTheTaskBackRenewsNothing() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "too-late");
        Fleet.claim(token, "too-late");
        CountDownLatch written = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        hooks.afterTakeBack(ended -> {
            if (ended.stream().anyMatch(task -> task.id().equals(taskId))) {
                written.countDown();
                return Uni.createFrom().completionStage(release);
            }
            return Uni.createFrom().voidItem();
        });
        Fixtures.expireLease(taskId);
        CompletableFuture<Reaper.Run> run = reaper.runOnce().subscribeAsCompletionStage();
        assertThat(written.await(20, TimeUnit.SECONDS)).isTrue();
        // The reaper wrote but has not committed: the heartbeat waits for the row, then finds it Queued.
        CompletableFuture<Response> beat = CompletableFuture.supplyAsync(() -> Fleet.beat(token, "too-late", "active"));
        Thread.sleep(200);
        release.complete(null);
        run.get(20, TimeUnit.SECONDS);
        beat.get(20, TimeUnit.SECONDS).then().statusCode(200).body("leases_renewed", equalTo(0));
        assertThat(Fixtures.status(taskId)).isEqualTo("Queued");
        assertThat(Fleet.column(taskId, "worker_id")).isNull();
        assertThat(Fleet.column(taskId, "lease_expires_at")).isNull();
    }

    @Test
    void readsAreScopedToTheOwnerAndAnswerTheFleetsShapes() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID first = Fixtures.createTask(owner, "single_image", Map.of("prompt", "one"), List.of());
        UUID second = Fixtures.createTask(owner, "image_edit", Map.of("prompt", "two"), List.of(first));
        String token = Tokens.localFleetWorker(owner.userId(), "reader");
        Fleet.call(token, "get-task-status", body("task_id", second)).then().statusCode(200)
                .body("status", equalTo("Queued"));
        Fleet.call(token, "get-task-output", body("task_id", second)).then().statusCode(200)
                .body("status", equalTo("Queued")).body("output_location", nullValue())
                .body("params.prompt", equalTo("two")).body("dependant_on", equalTo(List.of(first.toString())));
        Fleet.call(token, "get-predecessor-output", body("task_id", second)).then().statusCode(200)
                .body("predecessor_id", equalTo(first.toString())).body("output_location", nullValue())
                .body("all_complete", equalTo(false)).body("predecessors[0].status", equalTo("Queued"));
        Fleet.call(token, "get-predecessor-output", body("task_id", first)).then().statusCode(200)
                .body("predecessor_id", nullValue()).body("predecessors", equalTo(List.of()));
        Fleet.call(token, "task-counts", body("run_type", "gpu", "include_active", true)).then().statusCode(200)
                .body("totals.queued_only", equalTo(2)).body("totals.active_only", equalTo(0));

        // Another owner's worker sees none of it: 404, as for a task that does not exist.
        String stranger = Tokens.localFleetWorker(Fixtures.owner().userId(), "stranger");
        Fleet.call(stranger, "get-task-status", body("task_id", first)).then().statusCode(404);
        Fleet.call(stranger, "get-task-output", body("task_id", first)).then().statusCode(404);
        Fleet.call(stranger, "get-predecessor-output", body("task_id", second)).then().statusCode(404);
        Fleet.call(stranger, "get-orchestrator-children", body("orchestrator_task_id", first)).then().statusCode(404);
        Fleet.call(stranger, "task-counts", body("run_type", "gpu", "include_active", true)).then().statusCode(200)
                .body("totals.queued_only", equalTo(0));
    }

    @Test
    void aModelSwitchIsRecordedForTheWorker() {
        Fixtures.Owner owner = Fixtures.owner();
        String token = Tokens.localFleetWorker(owner.userId(), "switcher");
        Fleet.call(token, "update-worker-model", body("worker_id", "switcher", "current_model", "wan-2.2")).then()
                .statusCode(200).body("success", equalTo(true));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT current_model FROM workers WHERE id = 'switcher' AND user_id = ?",
                    owner.userId())).isEqualTo("wan-2.2");
        }
    }

    @Test
    void onlyCompleteTaskTakesLargeBodies() {
        Fixtures.Owner owner = Fixtures.owner();
        String token = Tokens.localFleetWorker(owner.userId(), "big-bodies");
        String large = "{\"task_id\": \"" + UUID.randomUUID() + "\", \"file_data\": \"" + "A".repeat(2_000_000)
                + "\", \"filename\": \"out.png\", \"surplus\": 1}";
        // Past the edge and the JSON reader (an unknown field is what it refuses), not a 413.
        Api.as(token).body(large).post("/functions/v1/complete_task").then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        Api.as(token).body(large).post("/functions/v1/update-task-status").then().statusCode(413);
        Api.as(token).body(large).post("/v1/workers/heartbeat").then().statusCode(413);
        String huge = "{\"file_data\": \"" + "A".repeat(6_000_000) + "\"}";
        Api.as(token).body(huge).post("/functions/v1/complete_task").then().statusCode(413);
    }
}
