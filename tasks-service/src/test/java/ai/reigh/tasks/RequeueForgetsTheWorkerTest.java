package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.tasks.service.Reaper;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A task that goes back to the queue names no worker any more, whichever way it went back: a
 * retryable failure, a {@code crashed} heartbeat, the reaper taking an expired lease back. Before, its
 * {@code worker_id} stayed set, so the admin views and every statement that matches a worker's tasks
 * by {@code worker_id} still saw the old worker on a Queued task. A task that ends Failed keeps the
 * worker that failed it (the record of who ran its last attempt).
 */
@QuarkusTest
class RequeueForgetsTheWorkerTest {
    @Inject
    Reaper reaper;

    private static void assertForgotten(UUID taskId) {
        assertThat(Fixtures.status(taskId)).isEqualTo("Queued");
        assertThat(Fixtures.column(taskId, "worker_id")).as("worker of the requeued task").isNull();
    }

    @Test
    void aRetryableFailureRequeuesWithoutTheWorker() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "requeue-by-failure");
        assertThat(Fixtures.column(taskId, "worker_id")).isEqualTo("requeue-by-failure");
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "error", "CUDA out of memory", "retryable", true))
                .post("/v1/workers/tasks/" + taskId + "/fail").then().statusCode(200).body("status", equalTo("Queued"));
        assertForgotten(taskId);
    }

    @Test
    void aNonRetryableFailureKeepsTheWorkerThatFailedIt() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "fails-for-good");
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "error", "bad prompt", "retryable", false))
                .post("/v1/workers/tasks/" + taskId + "/fail").then().statusCode(200).body("status", equalTo("Failed"));
        assertThat(Fixtures.column(taskId, "worker_id")).isEqualTo("fails-for-good");
    }

    @Test
    void aCrashedHeartbeatRequeuesWithoutTheWorker() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.claimOne(worker, "requeue-by-crash");
        Api.as(worker).body(body("worker_id", "requeue-by-crash", "status", "crashed")).post("/v1/workers/heartbeat")
                .then().statusCode(200);
        assertForgotten(taskId);
    }

    @Test
    void theReaperRequeuesWithoutTheWorker() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.claimOne(worker, "requeue-by-reaper");
        Fixtures.expireLease(taskId);
        Fixtures.await("the reaper to take the lease back", Duration.ofSeconds(20), () -> {
            reaper.runOnce().await().atMost(Duration.ofSeconds(10));
            return !"In Progress".equals(Fixtures.status(taskId));
        });
        assertForgotten(taskId);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat((String) sql.value("SELECT error_message FROM tasks WHERE id = ?", taskId))
                    .as("the error still names the worker whose lease expired").contains("requeue-by-reaper");
        }
    }
}
