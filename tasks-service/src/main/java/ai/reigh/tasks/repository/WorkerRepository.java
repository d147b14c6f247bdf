package ai.reigh.tasks.repository;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The workers table beyond what claims and heartbeats upsert: the admin list, the fleet's health and the inactivity sweep. */
@ApplicationScoped
public class WorkerRepository {
    /**
     * Most recently heard first, keyset-paged on (last_heartbeat, id, namespace): a worker is its id in
     * its owner's namespace, written here as the owner's id, or '' for the cloud workers' (never a user
     * id, so the order is total). Its tasks are those held under both its id and its owner.
     */
    static final String LIST = """
            SELECT w.id, w.user_id, w.status, w.current_model, w.vram_total_mb, w.vram_used_mb, w.last_heartbeat,
                   extract(epoch FROM now() - w.last_heartbeat)::float8 AS heartbeat_age_seconds, w.created_at,
                   held.in_progress, held.next_lease_expires_at
            FROM workers w
            CROSS JOIN LATERAL (
              SELECT count(*) AS in_progress, min(t.lease_expires_at) AS next_lease_expires_at FROM tasks t
              WHERE t.worker_id = w.id AND t.worker_user_id IS NOT DISTINCT FROM w.user_id AND t.status = 'In Progress'
            ) held
            WHERE ($1::text IS NULL OR w.status = $1)
              AND ($2::timestamptz IS NULL
                   OR (w.last_heartbeat, w.id, coalesce(w.user_id::text, '')) < ($2, $3, $5::text))
            ORDER BY w.last_heartbeat DESC, w.id DESC, coalesce(w.user_id::text, '') DESC
            LIMIT $4
            """;

    /**
     * The fleet at a glance: active workers heard from within {@code $1} seconds (online) or not
     * (stale: silent, not yet marked inactive), and those that reported a crash in the last day.
     */
    static final String HEALTH = """
            SELECT count(*) FILTER (WHERE status = 'active' AND last_heartbeat >= now() - make_interval(secs => $1::float8)) AS online,
                   count(*) FILTER (WHERE status = 'active' AND last_heartbeat < now() - make_interval(secs => $1::float8)) AS stale,
                   count(*) FILTER (WHERE status = 'crashed' AND updated_at >= now() - interval '24 hours') AS crashed
            FROM workers
            """;

    static final String MARK_INACTIVE = """
            UPDATE workers SET status = 'inactive'
            WHERE status = 'active' AND last_heartbeat < now() - make_interval(secs => $1::float8)
            """;

    /** {@code afterOwner}: the owner of the cursor's worker, null for a cloud worker. */
    public Uni<List<WorkerRow>> list(SqlConnection connection, String status, Instant afterHeartbeat, String afterId,
            UUID afterOwner, int fetchSize) {
        Tuple args = Tuple.tuple().addValue(status)
                .addValue(afterHeartbeat == null ? null : afterHeartbeat.atOffset(ZoneOffset.UTC)).addValue(afterId)
                .addValue((long) fetchSize).addValue(afterOwner == null ? "" : afterOwner.toString());
        return connection.preparedQuery(LIST).execute(args).map(rows -> Rows.map(rows, row -> new WorkerRow(
                row.getString("id"), row.getUUID("user_id"), row.getString("status"), row.getString("current_model"),
                row.getInteger("vram_total_mb"), row.getInteger("vram_used_mb"), Rows.instant(row, "last_heartbeat"),
                row.getDouble("heartbeat_age_seconds"), row.getLong("in_progress"),
                Rows.instant(row, "next_lease_expires_at"), Rows.instant(row, "created_at"))));
    }

    /** Online and stale active workers (silent for longer than {@code staleAfter}), and the day's crashes. */
    public Uni<FleetHealth> health(SqlConnection connection, Duration staleAfter) {
        return connection.preparedQuery(HEALTH).execute(Tuple.of(LeaseRepository.seconds(staleAfter))).map(rows -> {
            var row = rows.iterator().next();
            return new FleetHealth(row.getLong("online"), row.getLong("stale"), row.getLong("crashed"));
        });
    }

    public record FleetHealth(long online, long stale, long crashedToday) {
    }

    /** Active workers silent for longer than {@code silence} become inactive; returns how many. */
    public Uni<Integer> markInactive(SqlConnection connection, Duration silence) {
        return connection.preparedQuery(MARK_INACTIVE).execute(Tuple.of(LeaseRepository.seconds(silence)))
                .map(rows -> rows.rowCount());
    }
}
