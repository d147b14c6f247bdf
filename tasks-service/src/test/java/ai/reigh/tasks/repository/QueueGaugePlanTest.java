package ai.reigh.tasks.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Plans;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The queue gauges' sample ({@link QueueRepository#LIVE_BY_RUN_TYPE}, every 5 s) reads a bounded number
 * of rows however many tasks have finished. Its oldest-task part is a {@code min(created_at)} over the
 * Queued tasks of one run type: served by the claim index, it reads the oldest entry; walked along the
 * newest-first index from its old end, it would step over every task that ever finished first (a day of
 * work). Planned as the service runs it (its role, row-level security on, generic plan), in a transaction
 * that is rolled back.
 */
@QuarkusTest
class QueueGaugePlanTest {

    @Test
    void theSampleReadsTheOldestQueuedTaskFromTheClaimIndexNotOverTheFinishedOnes() throws Exception {
        Plans.inRolledBackTransaction(sql -> {
            // A day's finished tasks, all older than the queue, then a short queue of each run type.
            String plan = Plans.executedAsServiceOver(sql, "tasks", List.of(
                    "INSERT INTO tasks (project_id, user_id, task_type, status, run_type, created_at)"
                            + " SELECT gen_random_uuid(), gen_random_uuid(), 'single_image', 'Complete', 'gpu',"
                            + " now() - interval '1 day' + i * interval '1 second' FROM generate_series(1, 40000) i",
                    "INSERT INTO tasks (project_id, user_id, task_type, status, run_type, created_at)"
                            + " SELECT gen_random_uuid(), gen_random_uuid(), 'single_image', 'Queued', r,"
                            + " now() - i * interval '1 second' FROM generate_series(1, 3) i,"
                            + " unnest('{gpu,api}'::text[]) r"),
                    "reigh_tasks", QueueRepository.LIVE_BY_RUN_TYPE, "(10000)");
            assertThat(plan).as(plan).doesNotContain("tasks_newest_first").doesNotContain("Seq Scan")
                    .contains("Index Scan using tasks_claimable");
            // A walk over the finished tasks fetches each of them (40 000 pages read, and more); the claim
            // index's oldest entries cost a few pages, plus whatever dead entries the module's earlier tests
            // left there until autovacuum passes (310 pages seen once).
            assertThat(Plans.pagesRead(plan)).as(plan).isLessThan(2_000);
        });
    }
}
