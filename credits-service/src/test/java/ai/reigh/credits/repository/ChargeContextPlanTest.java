package ai.reigh.credits.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Plans;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The charge read ({@link ChargeContextRepository#CHARGE_CONTEXT}) finds each task's spend through the
 * one-spend-per-task index whatever the statistics say. A ledger analyzed before its spends arrived
 * (a new database, or the bench's fresh fixture) says almost no row is a spend; planned on that, the
 * join read every spend for every charge of the batch (60 charges against 150k spends: 0.8 s). The
 * statistics are made so inside a transaction that is rolled back.
 */
@QuarkusTest
class ChargeContextPlanTest {

    @Test
    void eachSpendIsProbedByTaskEvenWhenTheStatisticsKnowNoSpends() throws Exception {
        Plans.inRolledBackTransaction(sql -> {
            // Triggers off (the helper): spends without their users and balances, a ledger emptied of them.
            sql.execute("DELETE FROM credits_ledger WHERE type = 'spend'");
            sql.execute("INSERT INTO credits_ledger (user_id, amount, type, idempotency_key)"
                    + " SELECT gen_random_uuid(), 1, 'manual', 'plan-test-' || i FROM generate_series(1, 2000) i");
            sql.execute("ANALYZE credits_ledger");
            sql.execute("INSERT INTO credits_ledger (user_id, amount, type, task_id)"
                    + " SELECT gen_random_uuid(), -1, 'spend', gen_random_uuid() FROM generate_series(1, 20000)");
            sql.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            sql.execute("PREPARE charge_context(uuid[], text[], timestamptz[]) AS "
                    + ChargeContextRepository.CHARGE_CONTEXT);
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < 60; k++) {
                ids.add(UUID.randomUUID().toString());
            }
            String plan = Plans.executed(sql, "EXECUTE charge_context('{"
                    + String.join(",", ids) + "}', array_fill('single_image'::text, ARRAY[60]),"
                    + " array_fill(now(), ARRAY[60]))");
            assertThat(plan).as(plan).contains("Index Cond: (task_id = req.task_id)")
                    .doesNotContain("Rows Removed by Join Filter");
        });
    }
}
