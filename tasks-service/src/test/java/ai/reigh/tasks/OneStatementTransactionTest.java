package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.SqlSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The pipelined transactions of common's {@code Db}: the one-statement transaction of the hot paths
 * ({@code inOneStatement}) and the general one ({@code inTransaction}, whose BEGIN and acting context go
 * out with the work's first statements). Each states the actor, commits what succeeded, rolls back what
 * failed, and leaves its connection clean for the next user.
 */
@QuarkusTest
class OneStatementTransactionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Db db;

    @Test
    void theActorIsStatedForTheStatementAndDoesNotLeak() {
        UUID user = UUID.randomUUID();
        var acting = db.inOneStatement(Actor.user(user), "SELECT reigh_acting_user() AS who, reigh_acting_role() AS role",
                Tuple.tuple()).await().atMost(WAIT).iterator().next();
        assertThat(acting.getUUID("who")).isEqualTo(user);
        assertThat(acting.getString("role")).isEqualTo("user");
        for (int i = 0; i < 40; i++) {
            var next = db.inOneStatement(Actor.service(), "SELECT reigh_acting_user() AS who, reigh_acting_role() AS role",
                    Tuple.tuple()).await().atMost(WAIT).iterator().next();
            assertThat(next.getUUID("who")).isNull();
            assertThat(next.getString("role")).isEqualTo("service");
        }
    }

    @Test
    void statementsPlannedOnceUseTheirGenericPlansInTheirOwnTransactionOnly() {
        String mode = "SELECT current_setting('plan_cache_mode') AS mode, reigh_acting_role() AS role";
        var planned = db.inOneStatementPlannedOnce(Actor.service(), mode, Tuple.tuple()).await().atMost(WAIT)
                .iterator().next();
        assertThat(planned.getString("mode")).isEqualTo("force_generic_plan");
        assertThat(planned.getString("role")).isEqualTo("service");
        var plannedTransaction = db.inTransactionPlannedOnce(Actor.user(UUID.randomUUID()),
                connection -> connection.preparedQuery(mode).execute()).await().atMost(WAIT).iterator().next();
        assertThat(plannedTransaction.getString("mode")).isEqualTo("force_generic_plan");
        assertThat(plannedTransaction.getString("role")).isEqualTo("user");
        for (int i = 0; i < 40; i++) {
            assertThat(db.inOneStatement(Actor.service(), mode, Tuple.tuple()).await().atMost(WAIT).iterator().next()
                    .getString("mode")).isEqualTo("auto");
            assertThat(db.inTransaction(Actor.service(), connection -> connection.preparedQuery(mode).execute())
                    .await().atMost(WAIT).iterator().next().getString("mode")).isEqualTo("auto");
        }
    }

    @Test
    void aLongStatementIsPreparedOnceAndKeptByItsConnection() {
        // Longer than the 2048 characters under which the client would keep it by default.
        String statement = "SELECT $1::int + 1 AS next /* " + "x".repeat(3000) + " */";
        Long kept = db.pool().withConnection(connection -> connection.preparedQuery(statement).execute(Tuple.of(1))
                .chain(() -> connection.preparedQuery(statement).execute(Tuple.of(2)))
                .chain(() -> connection.preparedQuery("SELECT count(*) AS kept FROM pg_prepared_statements"
                        + " WHERE statement = $1").execute(Tuple.of(statement)))
                .map(rows -> rows.iterator().next().getLong("kept"))).await().atMost(WAIT);
        assertThat(kept).as("the statement is a named prepared statement of the connection").isEqualTo(1);
    }

    @Test
    void aFailingStatementWritesNothingAndLeavesTheConnectionUsable() {
        String workerId = "rollback-probe-" + UUID.randomUUID();
        assertThatThrownBy(() -> db.inOneStatement(Actor.service(),
                "WITH w AS (INSERT INTO workers (id) VALUES ($1) RETURNING id) SELECT 1 / 0 FROM w", Tuple.of(workerId))
                .await().atMost(WAIT)).satisfies(failure -> assertThat(PgErrors.hasState(failure, "22012", null)).isTrue());
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM workers WHERE id = ?", workerId)).isZero();
        }
        // Every pooled connection still works (none was left inside an aborted transaction).
        for (int i = 0; i < 40; i++) {
            assertThat(db.inOneStatement(Actor.service(), "SELECT 1 AS one", Tuple.tuple()).await().atMost(WAIT)
                    .iterator().next().getInteger("one")).isEqualTo(1);
        }
        db.inOneStatement(Actor.service(), "INSERT INTO workers (id) VALUES ($1)", Tuple.of(workerId)).await().atMost(WAIT);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM workers WHERE id = ?", workerId)).isEqualTo(1);
        }
    }

    @Test
    void statementsSentTogetherInATransactionAllActAsItsActor() {
        UUID user = UUID.randomUUID();
        String who = "SELECT reigh_acting_user() AS who, reigh_acting_role() AS role";
        List<Row> answers = db.inTransaction(Actor.user(user), connection -> Uni.join()
                .all(connection.preparedQuery(who).execute(), connection.preparedQuery(who).execute(),
                        connection.preparedQuery(who).execute())
                .andFailFast().map(sets -> sets.stream().map(set -> set.iterator().next()).toList()))
                .await().atMost(WAIT);
        assertThat(answers).hasSize(3);
        for (Row row : answers) {
            assertThat(row.getUUID("who")).isEqualTo(user);
            assertThat(row.getString("role")).isEqualTo("user");
        }
    }

    @Test
    void aTransactionWhoseWorkFailsAfterAWriteRollsItBackAndNeverHandsItToTheNextUser() {
        String failedByStatement = "rollback-probe-" + UUID.randomUUID();
        String failedByCode = "rollback-probe-" + UUID.randomUUID();
        String committed = "commit-probe-" + UUID.randomUUID();
        assertThatThrownBy(() -> db.inTransaction(Actor.service(), connection -> connection
                .preparedQuery("INSERT INTO workers (id) VALUES ($1)").execute(Tuple.of(failedByStatement))
                .chain(() -> connection.preparedQuery("SELECT 1 / 0").execute())).await().atMost(WAIT))
                .satisfies(failure -> assertThat(PgErrors.hasState(failure, "22012", null)).isTrue());
        assertThatThrownBy(() -> db.inTransaction(Actor.service(), connection -> connection
                .preparedQuery("INSERT INTO workers (id) VALUES ($1)").execute(Tuple.of(failedByCode))
                .map(rows -> {
                    throw new IllegalStateException("the work gave up after writing");
                })).await().atMost(WAIT)).hasMessageContaining("gave up");
        // Each pooled connection commits a transaction of its own: an insert left open on one would be
        // committed by its next user.
        for (int i = 0; i < 40; i++) {
            db.inTransaction(Actor.service(), connection -> connection.preparedQuery("SELECT 1").execute())
                    .await().atMost(WAIT);
        }
        db.inTransaction(Actor.service(), connection -> connection.preparedQuery("INSERT INTO workers (id) VALUES ($1)")
                .execute(Tuple.of(committed))).await().atMost(WAIT);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM workers WHERE id = ?", failedByStatement)).isZero();
            assertThat(sql.count("SELECT count(*) FROM workers WHERE id = ?", failedByCode)).isZero();
            assertThat(sql.count("SELECT count(*) FROM workers WHERE id = ?", committed)).isEqualTo(1);
        }
    }
}
