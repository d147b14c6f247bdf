package ai.reigh.tasks.repository;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The completion outbox as the relay works it. A batch is reserved by pushing its rows'
 * {@code next_attempt_at} past an in-flight timeout ({@code FOR UPDATE SKIP LOCKED}, so replicas take
 * disjoint batches and no transaction stays open during the HTTP calls); each row is then settled as
 * delivered, retried later, or rejected. A relay that dies mid-batch leaves its rows to become due
 * again after the timeout: at-least-once delivery, made exactly-once by the receivers.
 */
@ApplicationScoped
public class OutboxRepository {
    static final String RESERVE = """
            UPDATE task_outbox o SET attempts = o.attempts + 1,
                                     next_attempt_at = now() + make_interval(secs => $2::float8)
            FROM (SELECT id FROM task_outbox
                  WHERE delivered_at IS NULL AND rejected_at IS NULL AND next_attempt_at <= now()
                  ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) due
            WHERE o.id = due.id
            RETURNING o.id, o.task_id, o.kind, o.payload, o.attempts, o.created_at
            """;

    static final String DELIVERED = """
            UPDATE task_outbox SET delivered_at = now(), last_error = NULL
            WHERE id = ANY ($1::bigint[]) AND delivered_at IS NULL
            """;

    static final String RETRY = """
            UPDATE task_outbox o SET next_attempt_at = now() + make_interval(secs => r.delay), last_error = r.error
            FROM unnest($1::bigint[], $2::float8[], $3::text[]) AS r(id, delay, error)
            WHERE o.id = r.id AND o.delivered_at IS NULL
            """;

    static final String REJECT = """
            UPDATE task_outbox o SET rejected_at = now(), last_error = r.error
            FROM unnest($1::bigint[], $2::text[]) AS r(id, error)
            WHERE o.id = r.id AND o.delivered_at IS NULL
            """;

    /** Age of the oldest undelivered row (0 when none) and how many are waiting. */
    static final String LAG = """
            SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS lag_seconds, count(*) AS pending
            FROM task_outbox WHERE delivered_at IS NULL AND rejected_at IS NULL
            """;

    static final String PRUNE_DELIVERED = """
            DELETE FROM task_outbox WHERE id IN (
              SELECT id FROM task_outbox WHERE delivered_at < now() - make_interval(secs => $1::float8) LIMIT $2)
            """;

    public Uni<List<OutboxRow>> reserve(SqlConnection connection, int limit, Duration inFlightTimeout) {
        return connection.preparedQuery(RESERVE).execute(Tuple.of((long) limit, LeaseRepository.seconds(inFlightTimeout)))
                .map(rows -> Rows.map(rows, OutboxRepository::map));
    }

    public Uni<Void> delivered(SqlConnection connection, Long[] ids) {
        if (ids.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(DELIVERED).execute(Tuple.of(ids)).replaceWithVoid();
    }

    public Uni<Void> retry(SqlConnection connection, Long[] ids, Double[] delaysSeconds, String[] errors) {
        if (ids.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(RETRY).execute(Tuple.of(ids, delaysSeconds, errors)).replaceWithVoid();
    }

    public Uni<Void> reject(SqlConnection connection, Long[] ids, String[] errors) {
        if (ids.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(REJECT).execute(Tuple.of(ids, errors)).replaceWithVoid();
    }

    public Uni<OutboxLag> lag(SqlConnection connection) {
        return connection.preparedQuery(LAG).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new OutboxLag(row.getDouble("lag_seconds"), row.getLong("pending"));
        });
    }

    public Uni<Integer> pruneDelivered(SqlConnection connection, Duration retention, int limit) {
        return connection.preparedQuery(PRUNE_DELIVERED).execute(Tuple.of(LeaseRepository.seconds(retention), (long) limit))
                .map(rows -> rows.rowCount());
    }

    static OutboxRow map(Row row) {
        return new OutboxRow(row.getLong("id"), row.getUUID("task_id"), row.getString("kind"), Rows.json(row, "payload"),
                row.getInteger("attempts"), Rows.instant(row, "created_at"));
    }

    /** The relay's backlog: oldest undelivered age and count. */
    public record OutboxLag(double lagSeconds, long pending) {
    }
}
