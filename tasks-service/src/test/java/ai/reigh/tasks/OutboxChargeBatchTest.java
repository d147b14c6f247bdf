package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.SqlSession;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The relay delivers charges to credits-service in batch calls: a backlog is charged in a few
 * transactions (one per call, its spends sharing the transaction's timestamp), every charge once, the
 * one credits-service refuses parked alone, and the balance equal to its ledger.
 */
@QuarkusTest
class OutboxChargeBatchTest {
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final int CHARGES = 60;

    private static long count(String sql, Object... args) {
        try (SqlSession session = SqlSession.as("reigh_owner").actingAsService()) {
            return session.count(sql, args);
        }
    }

    @Test
    void aBacklogOfChargesIsChargedInAFewCallsEachOnceWithTheRefusedOneParkedAlone() {
        Fixtures.Owner owner = Fixtures.owner(BigDecimal.ZERO);
        UUID refusedTask = UUID.randomUUID();
        String batch = "batch-" + UUID.randomUUID();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            // One statement, so the relay finds the whole backlog at once: the charges of 60 tasks whose rows
            // are gone (charged as described, 0.025 each), and in their middle one of a type with no price.
            sql.update("""
                    INSERT INTO task_outbox (task_id, kind, payload)
                    SELECT t.id, 'charge', jsonb_build_object('task_id', t.id, 'user_id', ?::uuid,
                             'task_type', CASE WHEN t.id = ?::uuid THEN 'no_price_' || ? ELSE 'single_image' END,
                             'params', jsonb_build_object('batch', ?::text),
                             'started_at', now() - interval '30 seconds', 'processed_at', now() - interval '20 seconds')
                    FROM (SELECT CASE WHEN n = 30 THEN ?::uuid ELSE gen_random_uuid() END AS id
                          FROM generate_series(0, ?) AS n) t""", owner.userId(), refusedTask, batch.substring(6, 14),
                    batch, refusedTask, CHARGES);
        }
        Fixtures.await("the backlog settled", DELIVERY, () -> count("SELECT count(*) FROM task_outbox"
                + " WHERE payload -> 'params' ->> 'batch' = ? AND (delivered_at IS NOT NULL OR parked_at IS NOT NULL)",
                batch) == CHARGES + 1);

        assertThat(count("SELECT count(*) FROM task_outbox WHERE task_id = ? AND parked_at IS NOT NULL"
                + " AND last_error LIKE '%422 unknown_task_type%'", refusedTask)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'", owner.userId()))
                .isEqualTo(CHARGES);
        assertThat(count("SELECT count(*) FROM (SELECT task_id FROM credits_ledger WHERE user_id = ? GROUP BY task_id"
                + " HAVING count(*) > 1) twice", owner.userId())).isZero();
        assertThat(count("SELECT count(DISTINCT created_at) FROM credits_ledger WHERE user_id = ?", owner.userId()))
                .as("transactions that charged the 60 (one per call; one per charge without batches)")
                .isLessThanOrEqualTo(4);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            List<Object> money = sql.query("SELECT u.total_credits::text, (SELECT sum(amount) FROM credits_ledger l"
                    + " WHERE l.user_id = u.id)::text FROM users u WHERE u.id = ?", owner.userId()).get(0);
            assertThat(new BigDecimal((String) money.get(0))).isEqualByComparingTo("-1.5")
                    .isEqualByComparingTo(new BigDecimal((String) money.get(1)));
        }
    }
}
