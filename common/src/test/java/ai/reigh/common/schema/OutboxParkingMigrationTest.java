package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;

/**
 * V2_42 on a database the previous release used: its rows rejected "for good" become parked with
 * everything they had, other rows are untouched, and the due index serves both releases' reservation.
 */
class OutboxParkingMigrationTest {

    @Test
    void rowsRejectedBeforeTheUpgradeAreParkedWithTheirDataAndTheRestIsUntouched() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.shared();
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
                Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE reigh_outbox_parking OWNER " + EmbeddedPostgres.OWNER);
        }
        String url = pg.jdbcUrl("reigh_outbox_parking");
        // The history the released platform applied: everything but this change.
        Migrations.applyAllBut(url, "2.42");
        UUID rejected = UUID.randomUUID();
        UUID pending = UUID.randomUUID();
        UUID delivered = UUID.randomUUID();
        try (Connection owner = DriverManager.getConnection(url, EmbeddedPostgres.OWNER, "");
                Statement sql = owner.createStatement()) {
            sql.execute("INSERT INTO task_outbox (task_id, kind, payload, attempts, last_error, rejected_at, next_attempt_at)"
                    + " VALUES ('" + rejected + "', 'charge', '{\"task_type\": \"gone\"}', 3, 'refused with 422',"
                    + " '2026-01-02T03:04:05Z', '2026-01-02T03:05:05Z')");
            sql.execute("INSERT INTO task_outbox (task_id, kind, payload, attempts, last_error, next_attempt_at)"
                    + " VALUES ('" + pending + "', 'generation', '{}', 2, 'timed out', '2026-01-03T00:00:00Z')");
            sql.execute("INSERT INTO task_outbox (task_id, kind, payload, attempts, delivered_at)"
                    + " VALUES ('" + delivered + "', 'charge', '{}', 1, '2026-01-02T00:00:00Z')");
        }

        assertThat(Migrations.apply(url).migrationsExecuted).isEqualTo(1);

        try (Connection owner = DriverManager.getConnection(url, EmbeddedPostgres.OWNER, "");
                Statement sql = owner.createStatement()) {
            try (ResultSet row = sql.executeQuery("SELECT parked_at = rejected_at, next_attempt_at = 'infinity',"
                    + " payload ->> 'task_type', attempts, last_error, rejected_at IS NOT NULL, replays, replayed_at IS NULL,"
                    + " delivered_at IS NULL FROM task_outbox WHERE task_id = '" + rejected + "'")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getBoolean(1)).as("parked when it was rejected").isTrue();
                assertThat(row.getBoolean(2)).as("due at infinity: no relay takes it").isTrue();
                assertThat(row.getString(3)).isEqualTo("gone");
                assertThat(row.getInt(4)).isEqualTo(3);
                assertThat(row.getString(5)).isEqualTo("refused with 422");
                assertThat(row.getBoolean(6)).as("rejected_at kept").isTrue();
                assertThat(row.getInt(7)).isZero();
                assertThat(row.getBoolean(8)).isTrue();
                assertThat(row.getBoolean(9)).isTrue();
            }
            try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM task_outbox WHERE parked_at IS NULL"
                    + " AND ((task_id = '" + pending + "' AND next_attempt_at = '2026-01-03T00:00:00Z' AND attempts = 2)"
                    + " OR (task_id = '" + delivered + "' AND delivered_at = '2026-01-02T00:00:00Z'))")) {
                rows.next();
                assertThat(rows.getLong(1)).as("the pending and the delivered row, unchanged").isEqualTo(2);
            }
            try (ResultSet index = sql.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'task_outbox_due'")) {
                assertThat(index.next()).isTrue();
                // Implied by this release's reservation and by the previous release's (rejected_at IS NULL).
                assertThat(index.getString(1)).endsWith("(next_attempt_at, id) WHERE (delivered_at IS NULL)");
            }
        }
    }
}
