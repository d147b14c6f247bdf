package ai.reigh.common.db;

import java.time.Duration;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Deletes the rows of a table that have outlived their retention, a bounded batch per call, oldest first
 * (realtime events, delivered outbox rows). The table needs an index on the time column (partial is fine:
 * {@code WHERE column IS NOT NULL}) and a key {@code id}.
 *
 * <p>The batch is picked by an array sub-select, which PostgreSQL runs once before the delete, walking the
 * time index from its old end: a prune reads the rows it deletes and one more entry, however large the
 * table and whatever plan the statement was cached with. The obvious form, {@code id IN (SELECT id …
 * LIMIT n)}, is a join: its generic plan scanned the whole table on every run to find the rows past a
 * 7-day retention (none), and a plan cached while the table was empty joined the sub-select in a nested
 * loop, running it again for every row. One such prune of a 40 000-row outbox ran for three minutes,
 * and its snapshot held back vacuum everywhere: claims read 60 times as many pages (docs/performance.md).
 */
public final class RetentionPrune {
    private RetentionPrune() {
    }

    /**
     * The statement for {@code table} by {@code timeColumn}: $1 the retention in seconds, $2 the batch.
     * Both names are the caller's constants, never input.
     */
    public static String statement(String table, String timeColumn) {
        return """
                DELETE FROM %1$s WHERE id = ANY (ARRAY(
                  SELECT id FROM %1$s WHERE %2$s < now() - make_interval(secs => $1::float8)
                  ORDER BY %2$s LIMIT $2))""".formatted(table, timeColumn);
    }

    /** Runs a {@link #statement}: the rows deleted, at most {@code batch}. */
    public static Uni<Integer> run(SqlConnection connection, String statement, Duration retention, int batch) {
        return connection.preparedQuery(statement).execute(Tuple.of(retention.toMillis() / 1000.0, (long) batch))
                .map(rows -> rows.rowCount());
    }
}
