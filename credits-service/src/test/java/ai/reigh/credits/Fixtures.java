package ai.reigh.credits;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.restassured.response.Response;

/**
 * Rows the credits tests build on, each written by the role that owns its table (users and projects by
 * reigh_projects, tasks by reigh_tasks), and SQL-level reads of the money invariants.
 */
final class Fixtures {
    static final UUID ADMIN = UUID.fromString("00000000-0000-4000-8000-0000000ad001");

    private Fixtures() {
    }

    /** A user with a row in users (as /v1/me would have made it). */
    static UUID user() {
        UUID id = UUID.randomUUID();
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(id)) {
            projects.update("INSERT INTO users (id, email) VALUES (?, ?)", id, id + "@example.test");
        }
        return id;
    }

    static UUID project(UUID owner) {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(owner)) {
            return (UUID) projects.value("INSERT INTO projects (user_id, name) VALUES (?, 'credits test') RETURNING id", owner);
        }
    }

    /** A finished task as tasks-service records it. {@code parent} null: not a sub-task. */
    static UUID task(UUID owner, UUID project, String taskType, String status, UUID parent, Instant startedAt,
            Instant processedAt) {
        UUID id = UUID.randomUUID();
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsService()) {
            tasks.update("INSERT INTO tasks (id, project_id, user_id, task_type, status, parent_task_id, "
                    + "generation_started_at, generation_processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    id, project, owner, taskType, status, parent, utc(startedAt), utc(processedAt));
        }
        return id;
    }

    /** A task In Progress (held by a worker, lease current) as tasks-service records it. */
    static UUID runningTask(UUID owner, UUID project, String taskType, Instant startedAt) {
        UUID id = UUID.randomUUID();
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsService()) {
            tasks.update("INSERT INTO tasks (id, project_id, user_id, task_type, status, generation_started_at, lease_token,"
                    + " lease_expires_at) VALUES (?, ?, ?, ?, 'In Progress', ?, gen_random_uuid(), now() + interval '1 minute')",
                    id, project, owner, taskType, utc(startedAt));
        }
        return id;
    }

    static UUID completeTask(UUID owner, String taskType, Instant startedAt, Instant processedAt) {
        return task(owner, project(owner), taskType, "Complete", null, startedAt, processedAt);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** The body of POST /internal/v1/charges. */
    static Map<String, Object> charge(UUID taskId, UUID userId, String taskType, Map<String, Object> params,
            Instant startedAt, Instant processedAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", taskId.toString());
        body.put("user_id", userId.toString());
        body.put("task_type", taskType);
        body.put("params", params);
        body.put("started_at", startedAt.toString());
        body.put("processed_at", processedAt.toString());
        return body;
    }

    static Response postCharge(Map<String, Object> body) {
        return Api.as(Tokens.service()).body(body).post("/internal/v1/charges");
    }

    /** A grant through the admin API (201). */
    static void grant(UUID userId, String amount) {
        Map<String, Object> body = Map.of("user_id", userId.toString(), "amount", new BigDecimal(amount), "reason",
                "test credit", "idempotency_key", "fixture-" + UUID.randomUUID());
        Api.as(Tokens.admin(ADMIN)).body(body).post("/v1/admin/credits/grants").then().statusCode(201);
    }

    /**
     * Moves a balance by {@code delta} without a ledger entry, as only a bug or a hand in the database
     * could (the table's owner, its guard triggers off for the statement): the invariant broken on purpose.
     */
    static void shiftBalanceBehindTheLedger(UUID userId, String delta) {
        try (SqlSession owner = SqlSession.as("reigh_owner").actingAsService()) {
            owner.update("ALTER TABLE users DISABLE TRIGGER USER");
            try {
                owner.update("UPDATE users SET total_credits = total_credits + ?::numeric WHERE id = ?", delta, userId);
            } finally {
                owner.update("ALTER TABLE users ENABLE TRIGGER USER");
            }
        }
    }

    static BigDecimal balance(UUID userId) {
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            Object value = credits.value("SELECT total_credits::text FROM users WHERE id = ?", userId);
            return value == null ? null : new BigDecimal(value.toString());
        }
    }

    static BigDecimal ledgerSum(UUID userId) {
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            return new BigDecimal(credits.value("SELECT coalesce(sum(amount), 0)::text FROM credits_ledger WHERE user_id = ?",
                    userId).toString());
        }
    }

    static long entries(String where, Object... params) {
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            return credits.count("SELECT count(*) FROM credits_ledger WHERE " + where, params);
        }
    }
}
