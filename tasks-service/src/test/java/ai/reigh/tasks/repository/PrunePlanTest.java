package ai.reigh.tasks.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Plans;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The housekeeping prunes (delivered outbox rows after 7 days, realtime events after an hour, every 5 s)
 * read what they delete, not the table. Run as the service runs them (its role, generic plans), in a
 * transaction that is rolled back. A prune whose plan was cached while its table was empty must not run
 * its batch's sub-select again per row: one did, on a 40 000-row outbox, for three minutes, and its
 * snapshot held back vacuum for every table meanwhile (docs/performance.md).
 */
@QuarkusTest
class PrunePlanTest {
    private static final String WEEK = "604800";

    @Test
    void aDeliveredOutboxPruneReadsTheRowsPastTheirRetentionNotTheOutbox() throws Exception {
        Plans.inRolledBackTransaction(sql -> {
            String plan = Plans.executedAsServiceOver(sql, "task_outbox", List.of(
                    outboxRows(20_000, "now() - interval '1 minute'"), outboxRows(3, "now() - interval '8 days'")),
                    "reigh_tasks", OutboxRepository.PRUNE_DELIVERED, "(" + WEEK + ", 5000)");
            assertReadsOnlyTheBatch(plan, "task_outbox", 3);
            assertThat(count(sql, "task_outbox", "delivered_at < now() - interval '7 days'")).isZero();
            assertThat(count(sql, "task_outbox", "payload = '{\"prune_test\": true}'")).isEqualTo(20_000);
        });
    }

    @Test
    void anOutboxPrunePlannedWhileTheOutboxWasEmptyStillRunsItsSubSelectOnce() throws Exception {
        Plans.inRolledBackTransaction(sql -> {
            // As a database that has just been emptied and analyzed sees it (the bench between its runs).
            sql.execute("TRUNCATE task_outbox");
            sql.execute("ANALYZE task_outbox");
            Plans.prepareAsService(sql, "reigh_tasks", "prune", OutboxRepository.PRUNE_DELIVERED);
            sql.execute("EXECUTE prune(" + WEEK + ", 5000)");
            sql.execute("RESET ROLE");
            sql.execute(outboxRows(3_000, "now() - interval '1 minute'"));
            sql.execute(outboxRows(3, "now() - interval '8 days'"));
            sql.execute("SET LOCAL ROLE reigh_tasks");

            String plan = Plans.executedWithBuffers(sql, "EXECUTE prune(" + WEEK + ", 5000)");
            assertThat(count(sql, "task_outbox", "true")).as("the three past their retention deleted").isEqualTo(3_000);
            assertThat(Plans.mostLoops(plan)).as("no part of the plan runs per row: " + plan).isEqualTo(1);
        });
    }

    @Test
    void anEventPruneReadsTheEventsPastTheirRetentionNotTheTable() throws Exception {
        Plans.inRolledBackTransaction(sql -> {
            String plan = Plans.executedAsServiceOver(sql, "realtime_events", List.of(
                    events(20_000, "now() - interval '1 minute'"), events(3, "now() - interval '2 hours'")),
                    "reigh_tasks", RealtimeEventRepository.PRUNE, "(3600, 5000)");
            assertReadsOnlyTheBatch(plan, "realtime_events", 3);
            assertThat(count(sql, "realtime_events", "created_at < now() - interval '1 hour'")).isZero();
            assertThat(count(sql, "realtime_events", "event = 'prune.test'")).isEqualTo(20_000);
        });
    }

    /**
     * No scan of the pruned table, and few pages in all. An events plan may show a sequential scan of
     * {@code projects}: the policy's owner lookup, planned as a hashed sub-plan, which never runs for the
     * service (it acts for all, an init plan read first); the pages read are the proof.
     */
    private static void assertReadsOnlyTheBatch(String plan, String table, int batch) {
        assertThat(plan).as(plan).doesNotContainPattern("Seq Scan on " + table + "\\b");
        assertThat(Plans.pagesRead(plan)).as("pages read, for %d rows deleted: %s", batch, plan).isLessThan(100);
    }

    /** The rows of {@code table} left that match {@code which} (the test's own rows). */
    private static long count(Statement sql, String table, String which) throws Exception {
        try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM " + table + " WHERE " + which)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String outboxRows(int count, String deliveredAt) {
        return "INSERT INTO task_outbox (task_id, kind, payload, delivered_at) SELECT gen_random_uuid(), 'charge',"
                + " '{\"prune_test\": true}', " + deliveredAt + " - i * interval '1 millisecond' FROM generate_series(1, " + count + ") i";
    }

    private static String events(int count, String createdAt) {
        return "INSERT INTO realtime_events (project_id, event, table_name, op, row_id, created_at)"
                + " SELECT gen_random_uuid(), 'prune.test', 'tasks', 'UPDATE', gen_random_uuid(), " + createdAt
                + " - i * interval '1 millisecond' FROM generate_series(1, " + count + ") i";
    }
}
