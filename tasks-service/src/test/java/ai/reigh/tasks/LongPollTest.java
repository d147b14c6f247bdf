package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.tasks.service.ClaimWaiters;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The long poll: parked without a database connection, woken by NOTIFY, with a poll fallback. */
@QuarkusTest
class LongPollTest {
    @Inject
    ClaimWaiters waiters;

    private CompletableFuture<Response> parkedClaim(String worker, String workerId, int waitSeconds) {
        int before = waiters.parkedCount();
        CompletableFuture<Response> claim = CompletableFuture.supplyAsync(() -> Fixtures.claim(worker,
                body("worker_id", workerId, "wait_seconds", waitSeconds)));
        Fixtures.await("the claim to park", Duration.ofSeconds(5), () -> waiters.parkedCount() > before);
        return claim;
    }

    @Test
    void aParkedClaimGetsATaskCreatedAfterItStartedWellWithinASecond() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        CompletableFuture<Response> claim = parkedClaim(owner.localWorker(), "poller", 20);
        long createdAt = System.nanoTime();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Response answer = claim.get(10, TimeUnit.SECONDS);
        long latencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - createdAt);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat((String) answer.path("tasks[0].id")).isEqualTo(taskId.toString());
        assertThat(latencyMillis).as("creation to claimed, ms").isLessThan(1000);
    }

    @Test
    void nothingToClaimIsA204AfterTheWait() {
        Fixtures.Owner owner = Fixtures.owner();
        long start = System.nanoTime();
        Response answer = Fixtures.claim(owner.localWorker(), body("worker_id", "idle", "wait_seconds", 1));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(elapsedMillis).isBetween(950L, 4000L);
        Response immediate = Fixtures.claim(owner.localWorker(), body("worker_id", "idle", "wait_seconds", 0));
        assertThat(immediate.statusCode()).isEqualTo(204);
    }

    @Test
    void aLostNotificationOnlyDelays() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        CompletableFuture<Response> claim = parkedClaim(owner.localWorker(), "poller-2", 20);
        UUID taskId = UUID.randomUUID();
        // Insert the task without its notification: the trigger that sends it is off in this transaction.
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            Connection connection = sql.connection();
            connection.setAutoCommit(false);
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("ALTER TABLE tasks DISABLE TRIGGER tasks_publish_inserts");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tasks (id, project_id, user_id,"
                    + " task_type) VALUES (?, ?, ?, 'single_image')")) {
                insert.setObject(1, taskId);
                insert.setObject(2, owner.projectId());
                insert.setObject(3, owner.userId());
                insert.executeUpdate();
            }
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("ALTER TABLE tasks ENABLE TRIGGER tasks_publish_inserts");
            }
            connection.commit();
        }
        long insertedAt = System.nanoTime();
        Response answer = claim.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat((String) answer.path("tasks[0].id")).isEqualTo(taskId.toString());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - insertedAt)).as("found by the poll fallback")
                .isLessThan(3000);
    }

    @Test
    void parkedClaimsHoldNoDatabaseConnection() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        int parked = 40; // more than the pool's 16 connections
        int before = waiters.parkedCount();
        List<CompletableFuture<Response>> claims = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(parked);
        for (int i = 0; i < parked; i++) {
            String workerId = "parked-" + i;
            claims.add(CompletableFuture.supplyAsync(() -> Fixtures.claim(owner.localWorker(),
                    body("worker_id", workerId, "wait_seconds", 4)), clients));
        }
        clients.shutdown();
        Fixtures.await("all claims to park", Duration.ofSeconds(10), () -> waiters.parkedCount() >= before + parked);
        long start = System.nanoTime();
        Api.as(owner.token()).get("/v1/tasks").then().statusCode(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("a read while %d claims wait", parked)
                .isLessThan(1000);
        for (CompletableFuture<Response> claim : claims) {
            assertThat(claim.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
        }
    }
}
