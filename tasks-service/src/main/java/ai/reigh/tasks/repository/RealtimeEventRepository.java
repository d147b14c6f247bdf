package ai.reigh.tasks.repository;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads of the realtime feed (the triggers write it) and its pruning. */
@ApplicationScoped
public class RealtimeEventRepository {
    private static final String COLUMNS = "id, project_id, event, table_name, op, row_id, status";

    static final String LATEST_ID = "SELECT coalesce(max(id), 0) AS id FROM realtime_events";

    /** New events after the highest id seen, and any ids skipped earlier (not yet committed then). */
    static final String READ = "SELECT " + COLUMNS + " FROM realtime_events WHERE id > $1 OR id = ANY ($2::bigint[])"
            + " ORDER BY id LIMIT $3";

    /** A resume: the project's events after the client's Last-Event-ID (row-level security: owner only). */
    static final String BACKLOG = "SELECT " + COLUMNS + " FROM realtime_events WHERE project_id = $1 AND id > $2"
            + " ORDER BY id LIMIT $3";

    static final String PRUNE = """
            DELETE FROM realtime_events WHERE id IN (
              SELECT id FROM realtime_events WHERE created_at < now() - make_interval(secs => $1::float8) LIMIT $2)
            """;

    public Uni<Long> latestId(SqlConnection connection) {
        return connection.preparedQuery(LATEST_ID).execute().map(rows -> rows.iterator().next().getLong("id"));
    }

    public Uni<List<RealtimeEvent>> read(SqlConnection connection, long after, Long[] missing, int limit) {
        return connection.preparedQuery(READ).execute(Tuple.of(after, missing, (long) limit))
                .map(rows -> Rows.map(rows, RealtimeEventRepository::map));
    }

    public Uni<List<RealtimeEvent>> backlog(SqlConnection connection, UUID projectId, long after, int limit) {
        return connection.preparedQuery(BACKLOG).execute(Tuple.of(projectId, after, (long) limit))
                .map(rows -> Rows.map(rows, RealtimeEventRepository::map));
    }

    public Uni<Integer> prune(SqlConnection connection, Duration retention, int limit) {
        return connection.preparedQuery(PRUNE).execute(Tuple.of(LeaseRepository.seconds(retention), (long) limit))
                .map(rows -> rows.rowCount());
    }

    static RealtimeEvent map(Row row) {
        return new RealtimeEvent(row.getLong("id"), row.getUUID("project_id"), row.getString("event"),
                row.getString("table_name"), row.getString("op"), row.getUUID("row_id"), row.getString("status"));
    }
}
