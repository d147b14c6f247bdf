package ai.reigh.tasks.repository;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.RetentionPrune;
import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reads of the realtime feed (the triggers write it) and its pruning. */
@ApplicationScoped
public class RealtimeEventRepository {
    private static final String COLUMNS = "id, project_id, event, table_name, op, row_id, status, new_row, old_row";

    static final String LATEST_ID = "SELECT coalesce(max(id), 0) AS id FROM realtime_events";

    /**
     * New events after the highest id seen, and any ids skipped earlier (not yet committed then), with the
     * oldest transaction still running at the read's snapshot and, when {@code $4}, a transaction id assigned
     * after it: together they tell a skipped id whose writer may still commit from one rolled back (see the
     * feed's EventCursor). Asking for an id costs the read a commit record, so the feed asks only while a
     * hole lacks one. One row with a null id when there is no event.
     */
    static final String READ = "SELECT s.xmin, s.xid_after, e.* FROM (SELECT"
            + " pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,"
            + " CASE WHEN $4 THEN pg_current_xact_id()::text::bigint END AS xid_after) s"
            + " LEFT JOIN LATERAL (SELECT " + COLUMNS + " FROM realtime_events WHERE id > $1 OR id = ANY ($2::bigint[])"
            + " ORDER BY id LIMIT $3) e ON true ORDER BY e.id";

    /**
     * A resume: the project's events after the client's Last-Event-ID and below the feed's release point
     * (the live stream brings the rest, in order), under row-level security (owner only).
     */
    static final String BACKLOG = "SELECT " + COLUMNS + " FROM realtime_events WHERE project_id = $1 AND id > $2"
            + " AND id < $3 ORDER BY id LIMIT $4";

    /** Events past their retention, a batch at a time (index realtime_events_by_age). */
    static final String PRUNE = RetentionPrune.statement("realtime_events", "created_at");

    public Uni<Long> latestId(SqlConnection connection) {
        return connection.preparedQuery(LATEST_ID).execute().map(rows -> rows.iterator().next().getLong("id"));
    }

    public Uni<EventRead> read(SqlConnection connection, long after, Long[] missing, int limit, boolean boundWriters) {
        return connection.preparedQuery(READ).execute(Tuple.of(after, missing, (long) limit, boundWriters)).map(rows -> {
            List<RealtimeEvent> events = new ArrayList<>();
            long xmin = 0;
            Long xidAfter = null;
            for (Row row : rows) {
                xmin = row.getLong("xmin");
                xidAfter = row.getLong("xid_after");
                if (row.getValue("id") != null) {
                    events.add(map(row));
                }
            }
            return new EventRead(events, xmin, xidAfter);
        });
    }

    public Uni<List<RealtimeEvent>> backlog(SqlConnection connection, UUID projectId, long after, long before, int limit) {
        return connection.preparedQuery(BACKLOG).execute(Tuple.of(projectId, after, before, (long) limit))
                .map(rows -> Rows.map(rows, RealtimeEventRepository::map));
    }

    public Uni<Integer> prune(SqlConnection connection, Duration retention, int limit) {
        return RetentionPrune.run(connection, PRUNE, retention, limit);
    }

    static RealtimeEvent map(Row row) {
        return new RealtimeEvent(row.getLong("id"), row.getUUID("project_id"), row.getString("event"),
                row.getString("table_name"), row.getString("op"), row.getUUID("row_id"), row.getString("status"),
                Rows.json(row, "new_row"), Rows.json(row, "old_row"));
    }
}
