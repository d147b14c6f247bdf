package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.tasks.repository.QueueRepository;
import ai.reigh.tasks.repository.QueueRepository.RunTypeDepth;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The queue gauges count up to a cap. A count reads every row it counts: the sample of a queue of a
 * million Queued tasks cost PostgreSQL 1.5 s of CPU every 5 s, while workers were working that backlog off.
 * Under the cap the count is exact.
 */
@QuarkusTest
class QueueGaugeCapTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Db db;

    @Inject
    QueueRepository queue;

    private List<UUID> inserted = List.of();

    @AfterEach
    void removeTheQueue() {
        // Cloud workers claim any owner's oldest task: none of these is left for another test's claims.
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("DELETE FROM tasks WHERE id = ANY (?)", (Object) inserted.toArray(UUID[]::new));
        }
    }

    @Test
    void aQueueDeeperThanTheCapReadsTheCapAndAShallowerOneItsDepth() {
        inserted = Fixtures.insertTasks(Fixtures.owner(), "single_image", 12);

        long depth = gpu(1_000_000).queued();
        assertThat(depth).as("every Queued gpu task, these twelve among them").isGreaterThanOrEqualTo(12);
        assertThat(gpu(5).queued()).isEqualTo(5);
        assertThat(gpu((int) depth + 1).queued()).as("under the cap: exact").isEqualTo(depth);
        List<RunTypeDepth> all = sample(5);
        assertThat(all).extracting(RunTypeDepth::runType).containsExactlyElementsOf(QueueRepository.RUN_TYPES);
        assertThat(all).allSatisfy(runType -> assertThat(runType.oldestQueuedAgeSeconds()).isNotNegative());
        assertThat(gpu(5).oldestQueuedAgeSeconds()).as("the cap leaves the oldest task's age alone").isPositive();
    }

    private RunTypeDepth gpu(int cap) {
        return sample(cap).stream().filter(depth -> depth.runType().equals("gpu")).findFirst().orElseThrow();
    }

    private List<RunTypeDepth> sample(int cap) {
        return db.inTransaction(Actor.service(), connection -> queue.liveByRunType(connection, cap)).await().atMost(WAIT);
    }
}
