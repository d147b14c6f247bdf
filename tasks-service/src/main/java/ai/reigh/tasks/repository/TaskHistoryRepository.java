package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The history the database keeps of every status change (migration V2_47): one task's, and the
 * platform's per-minute activity for the console's charts.
 */
@ApplicationScoped
public class TaskHistoryRepository {
    /** A task changes status a few times per attempt: 500 lines is far more than 20 attempts make. */
    public static final int MAX_LINES = 500;

    static final String OF_TASK = """
            SELECT id, from_status, to_status, worker_id, attempt, reason, actor_role, actor_id, at
            FROM task_history WHERE task_id = $1 ORDER BY id LIMIT $2
            """;

    /**
     * The last {@code $1} minutes, oldest first, every minute present (zero when nothing happened). A
     * claim is a change to In Progress; a requeue one from In Progress (or Failed) back to Queued.
     */
    static final String ACTIVITY = """
            WITH window_start AS (
              SELECT date_trunc('minute', now()) - make_interval(mins => $1::int - 1) AS at
            ), counted AS (
              SELECT date_trunc('minute', h.at) AS minute,
                     count(*) FILTER (WHERE h.from_status IS NULL) AS created,
                     count(*) FILTER (WHERE h.to_status = 'In Progress') AS claims,
                     count(*) FILTER (WHERE h.to_status = 'Complete') AS completions,
                     count(*) FILTER (WHERE h.to_status = 'Failed') AS failures,
                     count(*) FILTER (WHERE h.to_status = 'Queued' AND h.from_status IS NOT NULL) AS requeues
              FROM task_history h, window_start w WHERE h.at >= w.at
              GROUP BY 1
            )
            SELECT m.minute, coalesce(c.created, 0) AS created, coalesce(c.claims, 0) AS claims,
                   coalesce(c.completions, 0) AS completions, coalesce(c.failures, 0) AS failures,
                   coalesce(c.requeues, 0) AS requeues
            FROM window_start w,
                 generate_series(w.at, date_trunc('minute', now()), interval '1 minute') AS m(minute)
            LEFT JOIN counted c ON c.minute = m.minute
            ORDER BY m.minute
            """;

    /**
     * Whether the task's last failure has been requeued by an operator since: the newest line that is
     * a failure or an operator's requeue, and which of the two it is (null: it never failed).
     */
    static final String REQUEUED_SINCE_LAST_FAILURE = """
            SELECT from_status = 'Failed' AND to_status = 'Queued' AS requeued FROM task_history
            WHERE task_id = $1 AND (to_status = 'Failed' OR (from_status = 'Failed' AND to_status = 'Queued'))
            ORDER BY id DESC LIMIT 1
            """;

    public record Line(long id, String fromStatus, String toStatus, String workerId, int attempt, String reason,
            String actorRole, UUID actorId, Instant at) {
    }

    public record Minute(Instant minute, long created, long claims, long completions, long failures, long requeues) {
    }

    public Uni<List<Line>> ofTask(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(OF_TASK).execute(Tuple.of(taskId, (long) MAX_LINES))
                .map(rows -> Rows.map(rows, row -> new Line(row.getLong("id"), row.getString("from_status"),
                        row.getString("to_status"), row.getString("worker_id"), row.getInteger("attempt"),
                        row.getString("reason"), row.getString("actor_role"), row.getUUID("actor_id"),
                        Rows.instant(row, "at"))));
    }

    public Uni<List<Minute>> activity(SqlConnection connection, int minutes) {
        return connection.preparedQuery(ACTIVITY).execute(Tuple.of(minutes))
                .map(rows -> Rows.map(rows, row -> new Minute(Rows.instant(row, "minute"), row.getLong("created"),
                        row.getLong("claims"), row.getLong("completions"), row.getLong("failures"),
                        row.getLong("requeues"))));
    }

    /** True when an operator requeued the task after its last failure, false when it failed since, null if neither. */
    public Uni<Boolean> requeuedSinceLastFailure(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(REQUEUED_SINCE_LAST_FAILURE).execute(Tuple.of(taskId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBoolean("requeued"));
    }
}
