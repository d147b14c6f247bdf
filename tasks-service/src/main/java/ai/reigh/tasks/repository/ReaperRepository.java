package ai.reigh.tasks.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The reaper's statements: see which leases expired, then take back exactly those leases. */
@ApplicationScoped
public class ReaperRepository {
    /** One leader at a time across replicas: a transaction-scoped advisory lock, skipped when taken. */
    static final String LEAD = "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS leading";

    /** Reads only (no row locks): a worker completing meanwhile is never blocked by the reaper's look. */
    static final String EXPIRED = """
            SELECT id, lease_token, attempts, max_attempts, worker_id FROM tasks
            WHERE status = 'In Progress' AND lease_expires_at < now()
            ORDER BY lease_expires_at LIMIT $1
            """;

    /**
     * Compare-and-set on the lease that was seen: a task completed, failed, renewed or reclaimed since
     * the read no longer matches and is left alone, so the reaper can never undo a completion. A
     * requeued task names no worker any more; a Failed one keeps the worker of its last attempt.
     */
    static final String TAKE_BACK = """
            UPDATE tasks t SET
              status = CASE WHEN t.attempts < t.max_attempts THEN 'Queued' ELSE 'Failed' END,
              error_message = format('lease expired on attempt %s of %s (worker %s)', t.attempts, t.max_attempts, t.worker_id),
              lease_token = NULL, lease_expires_at = NULL,
              worker_id = CASE WHEN t.attempts < t.max_attempts THEN NULL ELSE t.worker_id END,
              worker_user_id = CASE WHEN t.attempts < t.max_attempts THEN NULL ELSE t.worker_user_id END,
              generation_processed_at = CASE WHEN t.attempts < t.max_attempts THEN t.generation_processed_at ELSE now() END
            FROM unnest($1::uuid[], $2::uuid[]) AS seen(id, token)
            WHERE t.id = seen.id AND t.status = 'In Progress' AND t.lease_token = seen.token
              AND t.lease_expires_at < now()
            RETURNING t.id, t.status
            """;

    public Uni<Boolean> lead(SqlConnection connection, String lockName) {
        return connection.preparedQuery(LEAD).execute(Tuple.of(lockName))
                .map(rows -> rows.iterator().next().getBoolean("leading"));
    }

    public Uni<List<ExpiredLease>> expired(SqlConnection connection, int limit) {
        return connection.preparedQuery(EXPIRED).execute(Tuple.of((long) limit))
                .map(rows -> Rows.map(rows, row -> new ExpiredLease(row.getUUID("id"), row.getUUID("lease_token"),
                        row.getInteger("attempts"), row.getInteger("max_attempts"), row.getString("worker_id"))));
    }

    public Uni<List<Ended>> takeBack(SqlConnection connection, List<ExpiredLease> seen) {
        if (seen.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        UUID[] ids = seen.stream().map(ExpiredLease::taskId).toArray(UUID[]::new);
        UUID[] tokens = seen.stream().map(ExpiredLease::leaseToken).toArray(UUID[]::new);
        return connection.preparedQuery(TAKE_BACK).execute(Tuple.of(ids, tokens))
                .map(rows -> Rows.map(rows, row -> new Ended(row.getUUID("id"), row.getString("status"))));
    }
}
