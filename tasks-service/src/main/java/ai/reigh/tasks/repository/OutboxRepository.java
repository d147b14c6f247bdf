package ai.reigh.tasks.repository;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.RetentionPrune;
import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The completion outbox as the relay works it. A batch is reserved by pushing its rows'
 * {@code next_attempt_at} past an in-flight timeout ({@code FOR UPDATE SKIP LOCKED}, so replicas take
 * disjoint batches and no transaction stays open during the HTTP calls); each row is then settled as
 * delivered, retried later, or parked. A relay that dies mid-batch leaves its rows to become due again
 * after the timeout: at-least-once delivery, made exactly-once by the receivers.
 *
 * <p>A parked row (refused by its receiver) keeps its payload and error and is due at 'infinity', so no
 * relay takes it until an admin replays it. Nothing here deletes an undelivered row.
 */
@ApplicationScoped
public class OutboxRepository {
    static final String RESERVE = """
            UPDATE task_outbox o SET attempts = o.attempts + 1,
                                     next_attempt_at = now() + make_interval(secs => $2::float8)
            FROM (SELECT id FROM task_outbox
                  WHERE delivered_at IS NULL AND parked_at IS NULL AND next_attempt_at <= now()
                  ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) due
            WHERE o.id = due.id
            RETURNING o.id, o.task_id, o.kind, o.payload, o.attempts, o.created_at, o.traceparent
            """;

    /** Delivered wins over anything a slower relay settled meanwhile (a parking included). */
    static final String DELIVERED = """
            UPDATE task_outbox SET delivered_at = now(), last_error = NULL, parked_at = NULL
            WHERE id = ANY ($1::bigint[]) AND delivered_at IS NULL
            """;

    static final String RETRY = """
            UPDATE task_outbox o SET next_attempt_at = now() + make_interval(secs => r.delay), last_error = r.error
            FROM unnest($1::bigint[], $2::float8[], $3::text[]) AS r(id, delay, error)
            WHERE o.id = r.id AND o.delivered_at IS NULL AND o.parked_at IS NULL
            """;

    static final String PARK = """
            UPDATE task_outbox o SET parked_at = now(), next_attempt_at = 'infinity', last_error = r.error
            FROM unnest($1::bigint[], $2::text[]) AS r(id, error)
            WHERE o.id = r.id AND o.delivered_at IS NULL
            """;

    /**
     * The relay's backlog (age of the oldest row waiting for delivery, 0 when none, and how many) and
     * the parked rows by kind, in one pass over the undelivered rows (the due index).
     */
    static final String BACKLOG = """
            SELECT coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL)), 0)::float8
                     AS lag_seconds,
                   count(*) FILTER (WHERE parked_at IS NULL) AS pending,
                   count(*) FILTER (WHERE parked_at IS NOT NULL AND kind = 'generation') AS parked_generations,
                   count(*) FILTER (WHERE parked_at IS NOT NULL AND kind = 'charge') AS parked_charges
            FROM task_outbox WHERE delivered_at IS NULL
            """;

    /** Delivered rows past their retention, a batch at a time (index task_outbox_delivered). */
    static final String PRUNE_DELIVERED = RetentionPrune.statement("task_outbox", "delivered_at");

    private static final String ENTRY_COLUMNS = """
            id, task_id, kind, payload, attempts, last_error, created_at,
            CASE WHEN parked_at IS NULL AND delivered_at IS NULL THEN next_attempt_at END AS next_attempt_at,
            parked_at, delivered_at, replayed_at, replayed_by, replays""";

    /** The admin's list: parked rows newest first, keyset-paged on (created_at, id) (index task_outbox_parked). */
    static final String LIST_PARKED = """
            SELECT %s FROM task_outbox
            WHERE parked_at IS NOT NULL AND ($1::text IS NULL OR kind = $1)
              AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
            ORDER BY created_at DESC, id DESC LIMIT $4
            """.formatted(ENTRY_COLUMNS);

    /** Rows waiting for (another) delivery, newest first: the backlog, small unless a receiver is down. */
    static final String LIST_PENDING = """
            SELECT %s FROM task_outbox
            WHERE delivered_at IS NULL AND parked_at IS NULL AND ($1::text IS NULL OR kind = $1)
              AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
            ORDER BY created_at DESC, id DESC LIMIT $4
            """.formatted(ENTRY_COLUMNS);

    /**
     * A parked row due again now, attempts kept, the replay recorded on the row. Only a parked row
     * matches, so of concurrent replays exactly one does anything.
     */
    static final String REPLAY = """
            UPDATE task_outbox SET parked_at = NULL, next_attempt_at = now(), replayed_at = now(), replayed_by = $2,
                                   replays = replays + 1
            WHERE id = $1 AND parked_at IS NOT NULL AND delivered_at IS NULL
            RETURNING %s
            """.formatted(ENTRY_COLUMNS);

    static final String FIND = "SELECT " + ENTRY_COLUMNS + " FROM task_outbox WHERE id = $1";

    /** A task's effects (at most one per kind), for the operator's task page. */
    static final String OF_TASK = "SELECT " + ENTRY_COLUMNS + " FROM task_outbox WHERE task_id = $1 ORDER BY id";

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

    public Uni<Void> park(SqlConnection connection, Long[] ids, String[] errors) {
        if (ids.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(PARK).execute(Tuple.of(ids, errors)).replaceWithVoid();
    }

    public Uni<OutboxBacklog> backlog(SqlConnection connection) {
        return connection.preparedQuery(BACKLOG).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new OutboxBacklog(row.getDouble("lag_seconds"), row.getLong("pending"),
                    row.getLong("parked_generations"), row.getLong("parked_charges"));
        });
    }

    public Uni<Integer> pruneDelivered(SqlConnection connection, Duration retention, int limit) {
        return RetentionPrune.run(connection, PRUNE_DELIVERED, retention, limit);
    }

    /** {@code parked} rows, or {@code pending} ones (see {@link OutboxEntry#state()}), of one kind or all. */
    public Uni<List<OutboxEntry>> list(SqlConnection connection, boolean parked, String kind, Instant afterCreatedAt,
            Long afterId, int fetchSize) {
        Tuple args = Tuple.tuple().addValue(kind)
                .addValue(afterCreatedAt == null ? null : afterCreatedAt.atOffset(ZoneOffset.UTC)).addValue(afterId)
                .addValue((long) fetchSize);
        return connection.preparedQuery(parked ? LIST_PARKED : LIST_PENDING).execute(args)
                .map(rows -> Rows.map(rows, OutboxRepository::entry));
    }

    /** The row after the replay, or null when {@code id} is not a parked row. */
    public Uni<OutboxEntry> replay(SqlConnection connection, long id, UUID adminId) {
        return connection.preparedQuery(REPLAY).execute(Tuple.of(id, adminId))
                .map(rows -> Rows.first(rows, OutboxRepository::entry));
    }

    public Uni<List<OutboxEntry>> ofTask(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(OF_TASK).execute(Tuple.of(taskId)).map(rows -> Rows.map(rows, OutboxRepository::entry));
    }

    public Uni<OutboxEntry> find(SqlConnection connection, long id) {
        return connection.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> Rows.first(rows, OutboxRepository::entry));
    }

    static OutboxRow map(Row row) {
        return new OutboxRow(row.getLong("id"), row.getUUID("task_id"), row.getString("kind"), Rows.json(row, "payload"),
                row.getInteger("attempts"), Rows.instant(row, "created_at"), row.getString("traceparent"));
    }

    static OutboxEntry entry(Row row) {
        return new OutboxEntry(row.getLong("id"), row.getUUID("task_id"), row.getString("kind"),
                Rows.json(row, "payload"), row.getInteger("attempts"), row.getString("last_error"),
                Rows.instant(row, "created_at"), Rows.instant(row, "next_attempt_at"), Rows.instant(row, "parked_at"),
                Rows.instant(row, "delivered_at"), Rows.instant(row, "replayed_at"), row.getUUID("replayed_by"),
                row.getInteger("replays"));
    }

    /** The relay's backlog (oldest waiting age and count) and the parked rows per kind. */
    public record OutboxBacklog(double lagSeconds, long pending, long parkedGenerations, long parkedCharges) {
    }
}
