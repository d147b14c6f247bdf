package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code reigh_task_ready} is sent only for new work (a NOTIFY serialises the commits of every notifying
 * transaction in PostgreSQL 15): tasks created and a task queued again, never for a claim or a
 * completion — even one a queued task waits for, which a parked claimer finds at its next poll tick.
 * Heard on a listening connection of the test's own.
 */
@QuarkusTest
class TaskReadySignalsTest {
    /** Long enough for a notification of a committed statement to arrive on a loopback connection. */
    private static final int QUIET_MILLIS = 700;

    /** Notifications received within {@code waitMillis} (then until none is pending). */
    private static int heard(PGConnection listener, int waitMillis) throws SQLException {
        int count = 0;
        PGNotification[] batch = listener.getNotifications(waitMillis);
        while (batch != null && batch.length > 0) {
            count += batch.length;
            batch = listener.getNotifications(50);
        }
        return count;
    }

    @Test
    void newAndRequeuedWorkSignalClaimsAndCompletionsDoNot() throws Exception {
        Fixtures.drainQueue();
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        try (SqlSession session = SqlSession.as("reigh_owner").actingAsService()) {
            session.update("LISTEN reigh_task_ready");
            PGConnection listener = session.connection().unwrap(PGConnection.class);
            heard(listener, 100);

            UUID first = Fixtures.createTask(owner, "single_image");
            assertThat(heard(listener, 5_000)).as("a new task").isPositive();
            UUID waiting = Fixtures.createTask(owner, "single_image", Map.of("prompt", "after the first"), List.of(first));
            assertThat(heard(listener, 5_000)).as("a new task with a dependency").isPositive();

            Fixtures.Claimed claimed = Fixtures.claimOne(worker, "signals-" + UUID.randomUUID());
            assertThat(claimed.taskId()).isEqualTo(first);
            assertThat(heard(listener, QUIET_MILLIS)).as("a claim").isZero();
            Fixtures.complete(worker, claimed);
            assertThat(heard(listener, QUIET_MILLIS)).as("a completion, even one a queued task waits for").isZero();

            Fixtures.Claimed second = Fixtures.claimOne(worker, "signals-" + UUID.randomUUID());
            assertThat(second.taskId()).as("the dependant, claimable once its dependency completed").isEqualTo(waiting);
            assertThat(heard(listener, QUIET_MILLIS)).as("a claim").isZero();
            Api.as(worker).body(body("lease_token", second.leaseToken(), "error", "out of memory", "retryable", true))
                    .post("/v1/workers/tasks/" + waiting + "/fail").then().statusCode(200);
            assertThat(Fixtures.status(waiting)).isEqualTo("Queued");
            assertThat(heard(listener, 5_000)).as("a task queued again").isPositive();
        }
    }
}
