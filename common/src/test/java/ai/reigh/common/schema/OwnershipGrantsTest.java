package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.Migrations;
import ai.reigh.common.testing.SqlSession;

/** The grants are the ownership map: each service role writes only the tables its service owns. */
class OwnershipGrantsTest {
    private static UUID user;
    private static UUID project;

    @BeforeAll
    static void schema() {
        Migrations.ensureApplied();
        user = SchemaFixtures.user();
        project = SchemaFixtures.project(user);
    }

    @Test
    void tasksCannotWriteTheLedger() {
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsService()) {
            assertThat(tasks.failureOf("INSERT INTO credits_ledger (user_id, amount, type) VALUES (?, 5, 'manual')", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
    }

    @Test
    void projectsCannotChangeTheBalance() {
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(user)) {
            assertThat(projects.failureOf("UPDATE users SET total_credits = 1000 WHERE id = ?", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            UUID other = UUID.randomUUID();
            assertThat(projects.acting("user", other)
                    .failureOf("INSERT INTO users (id, total_credits) VALUES (?, 1000)", other))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
    }

    @Test
    void creditsCannotChangeTheBalanceExceptThroughTheLedger() {
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.failureOf("UPDATE users SET total_credits = 1000 WHERE id = ?", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            String before = credits.value("SELECT total_credits::text FROM users WHERE id = ?", user).toString();
            credits.update("INSERT INTO credits_ledger (user_id, amount, type, idempotency_key) VALUES (?, 12.5, 'manual', ?)",
                    user, "grant:" + UUID.randomUUID());
            assertThat(new java.math.BigDecimal(credits.value("SELECT total_credits::text FROM users WHERE id = ?", user).toString()))
                    .isEqualByComparingTo(new java.math.BigDecimal(before).add(new java.math.BigDecimal("12.5")));
        }
    }

    @Test
    void storageAndCreditsCannotWriteTasksAndProjectsCannotWriteStorage() {
        try (SqlSession storage = SqlSession.as("reigh_storage").actingAsService()) {
            assertThat(storage.failureOf("INSERT INTO tasks (project_id, user_id, task_type) VALUES (?, ?, 'single_image')",
                    project, user)).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(storage.failureOf("DELETE FROM projects")).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.failureOf("UPDATE tasks SET status = 'Complete'")).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
        try (SqlSession projects = SqlSession.as("reigh_projects").actingAsUser(user)) {
            assertThat(projects.failureOf("INSERT INTO storage_objects (owner_id, bucket, key, kind, content_type, size_bytes)"
                    + " VALUES (?, 'public', ?, 'x', 'image/png', 1)", user, user + "/x/y.png"))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(projects.failureOf("UPDATE task_cost_configs SET unit_cost = 0")).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
    }

    @Test
    void crossOwnerReadsAreExactlyTheGrantedColumns() {
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsService()) {
            assertThat(tasks.value("SELECT total_credits FROM users WHERE id = ?", user)).isNotNull();
            assertThat(tasks.failureOf("SELECT email FROM users WHERE id = ?", user)).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(tasks.failureOf("SELECT * FROM credits_ledger")).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(tasks.failureOf("UPDATE projects SET name = 'x'")).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
        try (SqlSession storage = SqlSession.as("reigh_storage").actingAsService()) {
            assertThat(storage.failureOf("SELECT * FROM personal_access_tokens")).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
    }

    @Test
    void creditsReadsOfTasksAreTheChargedTasksRowAndNoTimings() {
        // A charge is checked against its own task's row; since every task is priced on its own
        // (security review, finding 1, credits V2_31) credits no longer reads sub-tasks' timings.
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.count("SELECT count(*) FROM (SELECT id, user_id, task_type, status, parent_task_id"
                    + " FROM tasks) t")).isNotNegative();
            for (String column : new String[] { "generation_started_at", "generation_processed_at", "params" }) {
                assertThat(credits.failureOf("SELECT " + column + " FROM tasks")).as(column)
                        .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            }
        }
    }
}
