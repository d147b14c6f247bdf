package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.ReighTestEnvironment;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.restassured.response.Response;

/**
 * Test data through the schema owner (users, credits, projects belong to other services), and the
 * API calls the tests repeat. Every test makes its own users, so tests never share rows.
 */
final class Fixtures {
    private Fixtures() {
    }

    /** A user with {@code credits} (through a ledger entry, the only way the balance moves). */
    static Owner owner(BigDecimal credits) {
        UUID userId = UUID.randomUUID();
        UUID projectId = UUID.randomUUID();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO users (id, email) VALUES (?, ?)", userId, userId + "@example.test");
            if (credits.signum() != 0) {
                sql.update("INSERT INTO credits_ledger (user_id, amount, type) VALUES (?, ?, 'manual')", userId, credits);
            }
            sql.update("INSERT INTO projects (id, user_id, name) VALUES (?, ?, 'test project')", projectId, userId);
        }
        return new Owner(userId, projectId, Tokens.user(userId));
    }

    static Owner owner() {
        return owner(new BigDecimal("1000"));
    }

    /** A user and one of their projects, with the user's token. */
    record Owner(UUID userId, UUID projectId, String token) {
        UUID anotherProject() {
            UUID id = UUID.randomUUID();
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                sql.update("INSERT INTO projects (id, user_id, name) VALUES (?, ?, 'another project')", id, userId);
            }
            return id;
        }

        /** A worker token bound to this owner (local worker mode). */
        String localWorker() {
            return Tokens.localWorker(userId);
        }

        void settings(String json) {
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                sql.update("UPDATE users SET settings = ?::jsonb WHERE id = ?", json, userId);
            }
        }
    }

    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    static UUID createTask(Owner owner, String taskType, Map<String, Object> params, List<UUID> dependencies) {
        Map<String, Object> body = body("project_id", owner.projectId(), "task_type", taskType, "params", params);
        if (!dependencies.isEmpty()) {
            body.put("dependant_on", dependencies);
        }
        return UUID.fromString(Api.as(owner.token()).body(body).post("/v1/tasks").then().statusCode(201).extract()
                .path("id"));
    }

    static UUID createTask(Owner owner, String taskType) {
        return createTask(owner, taskType, Map.of(), List.of());
    }

    /** Many queued tasks in one statement (faster than the API for load tests). */
    static List<UUID> insertTasks(Owner owner, String taskType, int count) {
        List<UUID> ids = new ArrayList<>();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            for (List<Object> row : sql.query("""
                    INSERT INTO tasks (project_id, user_id, task_type, params, run_type, is_orchestrator)
                    SELECT ?, ?, c.task_type, '{}'::jsonb, c.run_type, c.category = 'orchestration'
                    FROM task_cost_configs c, generate_series(1, ?) g WHERE c.task_type = ?
                    RETURNING id""", owner.projectId(), owner.userId(), count, taskType)) {
                ids.add((UUID) row.get(0));
            }
        }
        return ids;
    }

    static Response claim(String workerToken, Map<String, Object> body) {
        return Api.as(workerToken).body(body).post("/v1/workers/claim");
    }

    /** Claims one task of {@code worker} (limit 1, no wait); fails the test when nothing is claimable. */
    static Claimed claimOne(String workerToken, String workerId) {
        Response answer = claim(workerToken, body("worker_id", workerId));
        assertThat(answer.statusCode()).as("claim answer").isEqualTo(200);
        return new Claimed(UUID.fromString(answer.path("tasks[0].id")),
                UUID.fromString(answer.path("tasks[0].lease_token")));
    }

    record Claimed(UUID taskId, UUID leaseToken) {
    }

    /** Completes a claimed task with an output URL (200, Complete). */
    static void complete(String workerToken, Claimed claimed) {
        Api.as(workerToken).body(body("lease_token", claimed.leaseToken(), "output_location",
                "https://cdn.test/" + claimed.taskId() + ".mp4")).post("/v1/workers/tasks/" + claimed.taskId() + "/complete")
                .then().statusCode(200).body("status", equalTo("Complete"));
    }

    /** Nothing left claimable by cloud workers: earlier tests' tasks must not be claimed by this one. */
    static void drainQueue() {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET status = 'Cancelled', lease_token = NULL, lease_expires_at = NULL"
                    + " WHERE status IN ('Queued', 'In Progress')");
        }
    }

    static String status(UUID taskId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return (String) sql.value("SELECT status FROM tasks WHERE id = ?", taskId);
        }
    }

    static Object column(UUID taskId, String column) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.value("SELECT " + column + " FROM tasks WHERE id = ?", taskId);
        }
    }

    static java.time.Instant instant(UUID taskId, String column) {
        Object value = column(taskId, column);
        return value == null ? null : ((java.sql.Timestamp) value).toInstant();
    }

    /** Makes a lease look expired to the reaper (the only way to test expiry without waiting a minute). */
    static void expireLease(UUID taskId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET lease_expires_at = now() - interval '1 second' WHERE id = ?", taskId);
        }
    }

    /** The task's lease taken back as the reaper would (expired, task Queued): a frozen worker lost it. */
    static void takeLeaseBack(UUID taskId) {
        expireLease(taskId);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET status = 'Queued', lease_token = NULL, lease_expires_at = NULL WHERE id = ?",
                    taskId);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    private static final byte[] PNG = new byte[2048];

    static {
        PNG[0] = (byte) 0x89;
    }

    /** A worker's upload ticket for the task's output (storage-service checks the lease with us). */
    static Response uploadTicket(String worker, UUID taskId, UUID leaseToken) {
        Response ticket = Api.as(worker).body(body("task_id", taskId, "lease_token", leaseToken, "filename", "out.png",
                "content_type", "image/png", "size_bytes", PNG.length))
                .post(ReighTestEnvironment.sibling("storage").url() + "/v1/workers/uploads");
        ticket.then().statusCode(201);
        return ticket;
    }

    /** The bytes, PUT to the ticket's presigned URL as a worker does. */
    static void upload(Response ticket) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(ticket.path("upload_url")))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(PNG));
        Map<String, String> headers = ticket.path("upload_headers");
        headers.forEach(put::header);
        assertThat(HttpClient.newHttpClient().send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isBetween(200, 299);
    }
}
