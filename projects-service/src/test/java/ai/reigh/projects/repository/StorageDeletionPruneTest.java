package ai.reigh.projects.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.Statement;

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
            sql.execute(delivered(5_000, "now() - interval '1 minute'"));
            sql.execute(delivered(3, "now() - interval '8 days'"));
            sql.execute("INSERT INTO storage_deletion_outbox (object_id, reason) VALUES (gen_random_uuid(), 'prune-test')");
            sql.execute("ANALYZE storage_deletion_outbox");
            Plans.asService(sql, "reigh_projects");
            Plans.actAsService(sql);
            sql.execute("PREPARE prune AS " + StorageDeletionOutboxRepository.PRUNE_DELIVERED);

            String plan = Plans.executedWithBuffers(sql, "EXECUTE prune(604800, 100)");
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
