package ai.reigh.projects.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Plans;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The relay's prune of delivered storage deletions (each relay step) deletes the rows past their retention
 * and reads only them, through the time index, not the table. Run as projects-service runs it (its role, a
 * generic plan), in a transaction that is rolled back.
 */
@QuarkusTest
class StorageDeletionPruneTest {

    @Test
    void aPruneDeletesTheDeliveredRowsPastTheirRetentionReadingOnlyThem() throws Exception {
        Plans.inRolledBackTransaction(sql -> {
            String plan = Plans.executedAsServiceOver(sql, "storage_deletion_outbox", List.of(
                    delivered(5_000, "now() - interval '1 minute'"), delivered(3, "now() - interval '8 days'"),
                    "INSERT INTO storage_deletion_outbox (object_id, reason) VALUES (gen_random_uuid(), 'prune-test')"),
                    "reigh_projects", StorageDeletionOutboxRepository.PRUNE_DELIVERED, "(604800, 100)");
            assertThat(plan).as(plan).doesNotContain("Seq Scan");
            assertThat(Plans.pagesRead(plan)).as(plan).isLessThan(100);
            assertThat(count(sql, "delivered_at < now() - interval '7 days'")).as("past the retention").isZero();
            assertThat(count(sql, "delivered_at > now() - interval '1 hour'")).as("kept").isEqualTo(5_000);
            assertThat(count(sql, "delivered_at IS NULL")).as("not delivered yet: kept").isEqualTo(1);
        });
    }

    private static String delivered(int count, String deliveredAt) {
        return "INSERT INTO storage_deletion_outbox (object_id, reason, delivered_at) SELECT gen_random_uuid(),"
                + " 'prune-test', " + deliveredAt + " - i * interval '1 millisecond' FROM generate_series(1, " + count + ") i";
    }

    private static long count(Statement sql, String which) throws Exception {
        try (ResultSet rows = sql.executeQuery(
                "SELECT count(*) FROM storage_deletion_outbox WHERE reason = 'prune-test' AND " + which)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
