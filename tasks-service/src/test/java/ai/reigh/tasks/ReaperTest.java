package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.tasks.repository.Ended;
import ai.reigh.tasks.repository.ExpiredLease;
import ai.reigh.tasks.service.Reaper;
import ai.reigh.tasks.service.ReaperHooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;

/**
 * The reaper against a completing worker, both orders driven through the reaper's seam (a pause
 * between its read and its write, and between its write and its commit), and its ordinary work.
 */
@QuarkusTest
class ReaperTest {
    @Inject
    Reaper reaper;

    @Inject
    ReaperHooks hooks;

    @AfterEach
    void clearHooks() {
        hooks.clear();
    }

    private CompletableFuture<Reaper.Run> runReaper() {
        return reaper.runOnce().subscribeAsCompletionStage();
    }

    /** The statuses a task went through, from the realtime feed the triggers write. */
    private static List<Object> history(UUID taskId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.query("SELECT status FROM realtime_events WHERE row_id = ? AND table_name = 'tasks' ORDER BY id",
                    taskId).stream().map(row -> row.get(0)).toList();
        }
    }

    @Test
    void aCompletionBetweenTheReapersReadAndWriteWinsAndTheReaperTakesNothing() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "lora_training");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "slow-but-alive");
        CountDownLatch seen = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<List<Ended>> takenBack = new CompletableFuture<>();
        hooks.beforeTakeBack(leases -> {
            if (leases.stream().map(ExpiredLease::taskId).anyMatch(taskId::equals)) {
                seen.countDown();
                return Uni.createFrom().completionStage(release);
            }
            return Uni.createFrom().voidItem();
        });
        hooks.afterTakeBack(ended -> {
            if (seen.getCount() == 0) {
                takenBack.complete(ended);
            }
            return Uni.createFrom().voidItem();
        });
        Fixtures.expireLease(taskId);
        CompletableFuture<Reaper.Run> run = runReaper();
        assertThat(seen.await(20, TimeUnit.SECONDS)).as("a reaper run saw the expired lease").isTrue();

        // The reaper has read, not yet written: the worker completes (the read took no lock).
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "https://x/out.png"))
                .post("/v1/workers/tasks/" + taskId + "/complete").then().statusCode(200)
                .body("status", equalTo("Complete"));
        release.complete(null);

        assertThat(takenBack.get(20, TimeUnit.SECONDS)).extracting(Ended::id).doesNotContain(taskId);
        run.get(20, TimeUnit.SECONDS);
        assertThat(Fixtures.status(taskId)).isEqualTo("Complete");
        assertThat(Fixtures.column(taskId, "output_location")).isEqualTo("https://x/out.png");
        assertThat(Fixtures.column(taskId, "attempts")).isEqualTo(1);
        assertThat(history(taskId)).containsExactly("Queued", "In Progress", "Complete");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM task_outbox WHERE task_id = ?", taskId)).isEqualTo(1);
        }
    }

    @Test
    void aCompletionAfterTheReapersWriteLosesWithLeaseLostAndWritesNothing() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "lora_training");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "partitioned");
        CountDownLatch written = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        hooks.afterTakeBack(ended -> {
            if (ended.stream().map(Ended::id).anyMatch(taskId::equals)) {
                written.countDown();
                return Uni.createFrom().completionStage(release);
            }
            return Uni.createFrom().voidItem();
        });
        Fixtures.expireLease(taskId);
        CompletableFuture<Reaper.Run> run = runReaper();
        assertThat(written.await(20, TimeUnit.SECONDS)).as("a reaper run took the lease back").isTrue();

        // The reaper wrote but has not committed: the late completion waits on the row, then loses.
        CompletableFuture<Response> late = CompletableFuture.supplyAsync(() -> Api.as(worker)
                .body(body("lease_token", claimed.leaseToken(), "output_location", "https://x/late.png"))
                .post("/v1/workers/tasks/" + taskId + "/complete"));
        Fixtures.await("the completion to wait for the reaper's row lock", Duration.ofSeconds(10), () -> {
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                return sql.count("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'") > 0;
            }
        });
        assertThat(late).isNotDone();
        release.complete(null);

        Response answer = late.get(20, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat((String) answer.path("code")).isEqualTo("lease_lost");
        run.get(20, TimeUnit.SECONDS);
        assertThat(Fixtures.status(taskId)).isEqualTo("Queued");
        assertThat(Fixtures.column(taskId, "output_location")).isNull();
        assertThat(Fixtures.column(taskId, "lease_token")).isNull();
        assertThat((String) Fixtures.column(taskId, "error_message")).contains("lease expired on attempt 1 of 3");
        assertThat(history(taskId)).containsExactly("Queued", "In Progress", "Queued");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM task_outbox WHERE task_id = ?", taskId)).isZero();
        }
        // Taken back, the task is claimed again (attempt 2) and completes normally.
        Fixtures.Claimed again = Fixtures.claimOne(worker, "healthy");
        assertThat(again.taskId()).isEqualTo(taskId);
        Api.as(worker).body(body("lease_token", again.leaseToken(), "output_location", "https://x/ok.png"))
                .post("/v1/workers/tasks/" + taskId + "/complete").then().statusCode(200).body("attempts", equalTo(2));
    }

    @Test
    void anExpiredLeaseOnTheLastAttemptFailsTheTaskAndItsDependants() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        UUID dependant = Fixtures.createTask(owner, "image_edit", Map.of(), List.of(taskId));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET max_attempts = 1 WHERE id = ?", taskId);
        }
        Fixtures.claimOne(worker, "dies");
        Fixtures.expireLease(taskId);
        Fixtures.await("the reaper to take the lease back", Duration.ofSeconds(20), () -> {
            reaper.runOnce().await().atMost(Duration.ofSeconds(10));
            return !"In Progress".equals(Fixtures.status(taskId));
        });
        assertThat(Fixtures.status(taskId)).isEqualTo("Failed");
        assertThat((String) Fixtures.column(taskId, "error_message")).contains("lease expired on attempt 1 of 1");
        assertThat(Fixtures.status(dependant)).isEqualTo("Failed");
        assertThat((String) Fixtures.column(dependant, "error_message")).isEqualTo("dependency " + taskId + " ended Failed");
    }

    @Test
    void workersWithoutAHeartbeatBecomeInactive() {
        Fixtures.Owner owner = Fixtures.owner();
        Api.as(owner.localWorker()).body(body("worker_id", "quiet")).post("/v1/workers/heartbeat").then().statusCode(200);
        Api.as(owner.localWorker()).body(body("worker_id", "chatty")).post("/v1/workers/heartbeat").then().statusCode(200);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE workers SET last_heartbeat = now() - interval '5 minutes' WHERE id = 'quiet'");
        }
        Fixtures.await("the reaper to mark the silent worker", Duration.ofSeconds(20), () -> {
            reaper.runOnce().await().atMost(Duration.ofSeconds(10));
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                return "inactive".equals(sql.value("SELECT status FROM workers WHERE id = 'quiet'"));
            }
        });
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT status FROM workers WHERE id = 'chatty'")).isEqualTo("active");
        }
    }

    @Test
    void onlyOneReaperRunsAtATime() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CountDownLatch inside = new CountDownLatch(1);
        hooks.beforeTakeBack(leases -> {
            inside.countDown();
            return Uni.createFrom().completionStage(release);
        });
        CompletableFuture<Reaper.Run> first = runReaper();
        assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
        Reaper.Run second = reaper.runOnce().await().atMost(Duration.ofSeconds(10));
        assertThat(second.leading()).isFalse();
        release.complete(null);
        first.get(20, TimeUnit.SECONDS);
    }
}
