package ai.reigh.tasks.repository;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Queue depth: per status and type for the admin views; per run type for the gauges. */
@ApplicationScoped
public class QueueRepository {
    /** Scans the table (admin only); terminal counts included so the view adds up. */
    static final String BY_STATUS_AND_TYPE = """
            SELECT status, task_type, count(*) AS count FROM tasks GROUP BY status, task_type ORDER BY status, task_type
            """;

    /** The live states only: what is waiting or running now, per type (the console's overview, every few seconds). */
    static final String LIVE_BY_STATUS_AND_TYPE = """
            SELECT status, task_type, count(*) AS count FROM tasks WHERE status IN ('Queued', 'In Progress')
            GROUP BY status, task_type ORDER BY status, task_type
            """;

    /** Served by the partial indexes of the live states: cheap enough to sample every few seconds. */
    static final String LIVE = """
            SELECT (SELECT count(*) FROM tasks WHERE status = 'Queued') AS queued,
                   (SELECT count(*) FROM tasks WHERE status = 'In Progress') AS in_progress,
                   coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM tasks WHERE status = 'Queued'), 0)::float8
                     AS oldest_queued_age_seconds
            """;

    /** The run types a task has (the column's CHECK), each with its own workers and so its own queue. */
    public static final List<String> RUN_TYPES = List.of("gpu", "api");

    /**
     * The gauges' sample: one row per run type, each count stopping at $1 rows. The sample runs as the
     * service under row-level security, where a count checks the policy on every row it reads: counting
     * a million queued tasks took PostgreSQL 1.5–1.8 s of CPU per sample, every 5 s, while the backlog
     * was being worked off (docs/performance.md). The run types are written in (one branch each), so
     * that each count is planned for its own run type: with the run type a parameter, a run type with
     * nothing queued was planned as an average one and read the whole table. Scaling and the alerts
     * never ask beyond a few thousand.
     */
    static final String LIVE_BY_RUN_TYPE = RUN_TYPES.stream().map(runType -> """
            SELECT '%1$s'::text AS run_type,
                   (SELECT count(*) FROM (SELECT FROM tasks WHERE status = 'Queued' AND run_type = '%1$s'
                                          LIMIT $1) q) AS queued,
                   (SELECT count(*) FROM (SELECT FROM tasks WHERE status = 'In Progress' AND run_type = '%1$s'
                                          LIMIT $1) p) AS in_progress,
                   coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM tasks
                             WHERE status = 'Queued' AND run_type = '%1$s'), 0)::float8 AS oldest_queued_age_seconds
            """.formatted(runType)).collect(Collectors.joining("UNION ALL\n"));

    /** One run type's live queue. */
    public record RunTypeDepth(String runType, long queued, long inProgress, double oldestQueuedAgeSeconds) {
    }

    /** Each run type's live queue, every count stopping at {@code countCap}. */
    public Uni<List<RunTypeDepth>> liveByRunType(SqlConnection connection, int countCap) {
        return connection.preparedQuery(LIVE_BY_RUN_TYPE).execute(io.vertx.mutiny.sqlclient.Tuple.of(countCap))
                .map(rows -> Rows.map(rows, row -> new RunTypeDepth(row.getString("run_type"), row.getLong("queued"),
                        row.getLong("in_progress"), row.getDouble("oldest_queued_age_seconds"))));
    }

    /** What the breakdown per status and type covers. */
    public enum Breakdown {
        LIVE_STATES, ALL_STATES
    }

    public Uni<QueueDepth> depth(SqlConnection connection, Breakdown of) {
        Uni<List<QueueDepth.Bucket>> breakdown = connection.preparedQuery(
                of == Breakdown.ALL_STATES ? BY_STATUS_AND_TYPE : LIVE_BY_STATUS_AND_TYPE)
                .execute().map(rows -> Rows.map(rows, row -> new QueueDepth.Bucket(row.getString("status"),
                        row.getString("task_type"), row.getLong("count"))));
        return breakdown.chain(buckets -> connection.preparedQuery(LIVE).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new QueueDepth(buckets, row.getLong("queued"), row.getLong("in_progress"),
                    row.getDouble("oldest_queued_age_seconds"));
        }));
    }
}
