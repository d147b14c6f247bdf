package ai.reigh.tasks.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Orchestrators that wait for their children without a lease: handed to the platform by their worker,
 * then completed when the last child completes, or failed when a child ends badly. Every change is a
 * guarded statement on the waiting state ({@code status = 'In Progress' AND awaiting_children_since IS
 * NOT NULL}), so an orchestrator ends once, whoever settles it.
 */
@ApplicationScoped
public class OrchestratorRepository {
    /** The holder hands its orchestrator over: no lease, no worker, waiting since now. */
    static final String AWAIT_CHILDREN = """
            UPDATE tasks SET awaiting_children_since = now(), lease_token = NULL, lease_expires_at = NULL, worker_id = NULL
            WHERE id = $1 AND status = 'In Progress' AND lease_token = $2 AND is_orchestrator
            RETURNING\s""" + TaskColumns.PLAIN;

    /**
     * Locks a waiting orchestrator (its settlements take turns): the statements after it see every
     * child that committed before the lock was granted.
     */
    static final String LOCK_AWAITING = """
            SELECT id FROM tasks WHERE id = $1 AND status = 'In Progress' AND awaiting_children_since IS NOT NULL
            FOR UPDATE
            """;

    /**
     * Where the children stand, and the final one: the child no sibling depends on (the stitch that
     * depends on every segment), the newest of them if several.
     */
    static final String CHILDREN = """
            SELECT count(*) AS total, count(*) FILTER (WHERE c.status = 'Complete') AS complete,
                   (SELECT b.id FROM tasks b WHERE b.parent_task_id = $1 AND b.status IN ('Failed', 'Cancelled')
                    ORDER BY b.updated_at, b.id LIMIT 1) AS ended_badly,
                   (SELECT f.id FROM tasks f WHERE f.parent_task_id = $1
                      AND NOT EXISTS (SELECT 1 FROM tasks s WHERE s.parent_task_id = $1 AND s.dependant_on @> ARRAY[f.id])
                    ORDER BY f.created_at DESC, f.id DESC LIMIT 1) AS final_child
            FROM tasks c WHERE c.parent_task_id = $1
            """;

    static final String OUTPUT_OF = "SELECT output_location, status FROM tasks WHERE id = $1";

    /** The completing statement of every task, fenced on the waiting state instead of a lease ($2 is none). */
    static final String COMPLETE_AWAITING = LeaseRepository.completing(
            "t.lease_token IS NULL AND t.awaiting_children_since IS NOT NULL AND i.presented_lease IS NULL");

    static final String FAIL_AWAITING = """
            UPDATE tasks SET status = 'Failed', error_message = $2, generation_processed_at = now()
            WHERE id = $1 AND status = 'In Progress' AND awaiting_children_since IS NOT NULL
            RETURNING id
            """;

    /**
     * The waiting parents of children that just ended Failed or Cancelled fail with them (naming the
     * child): an orchestrator cannot be completed without all of its children.
     */
    static final String FAIL_AWAITING_PARENTS = """
            UPDATE tasks p SET status = 'Failed', generation_processed_at = now(),
                               error_message = format('child task %s ended %s', c.id, c.status)
            FROM (SELECT DISTINCT ON (parent_task_id) parent_task_id, id, status FROM tasks
                  WHERE id = ANY ($1::uuid[]) AND parent_task_id IS NOT NULL AND status IN ('Failed', 'Cancelled')
                  ORDER BY parent_task_id, id) c
            WHERE p.id = c.parent_task_id AND p.status = 'In Progress' AND p.awaiting_children_since IS NOT NULL
            RETURNING p.id
            """;

    /**
     * The reaper's backstop: waiting orchestrators none of whose children is still to run (their last
     * settlement was lost with an instance), skipping any another transaction is settling.
     */
    static final String SETTLEABLE = """
            SELECT p.id FROM tasks p
            WHERE p.status = 'In Progress' AND p.awaiting_children_since IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_task_id = p.id AND c.status IN ('Queued', 'In Progress'))
            ORDER BY p.awaiting_children_since LIMIT $1
            FOR UPDATE OF p SKIP LOCKED
            """;

    /** Where an orchestrator's children stand. */
    public record Children(long total, long complete, UUID endedBadly, UUID finalChild) {
        public boolean allComplete() {
            return total > 0 && complete == total;
        }
    }

    /** The orchestrator now waiting, or null when the caller did not hold it (or it is not an orchestrator). */
    public Uni<TaskRow> awaitChildren(SqlConnection connection, UUID taskId, UUID leaseToken) {
        return connection.preparedQuery(AWAIT_CHILDREN).execute(Tuple.of(taskId, leaseToken))
                .map(rows -> Rows.first(rows, TaskColumns::map));
    }

    /** True when the orchestrator is waiting (and now locked by this transaction). */
    public Uni<Boolean> lockAwaiting(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(LOCK_AWAITING).execute(Tuple.of(taskId)).map(rows -> rows.size() == 1);
    }

    public Uni<Children> children(SqlConnection connection, UUID parentId) {
        return connection.preparedQuery(CHILDREN).execute(Tuple.of(parentId)).map(rows -> {
            Row row = rows.iterator().next();
            return new Children(row.getLong("total"), row.getLong("complete"), row.getUUID("ended_badly"),
                    row.getUUID("final_child"));
        });
    }

    public Uni<Row> outputOf(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(OUTPUT_OF).execute(Tuple.of(taskId)).map(rows -> Rows.first(rows, row -> row));
    }

    /** The completed orchestrator (with its outbox rows), or null when it was no longer waiting. */
    public Uni<TaskRow> completeAwaiting(SqlConnection connection, Completion completion) {
        return connection.preparedQuery(COMPLETE_AWAITING).execute(LeaseRepository.completionArguments(List.of(completion)))
                .map(rows -> Rows.first(rows, TaskColumns::map));
    }

    public Uni<Boolean> failAwaiting(SqlConnection connection, UUID taskId, String error) {
        return connection.preparedQuery(FAIL_AWAITING).execute(Tuple.of(taskId, error)).map(rows -> rows.size() == 1);
    }

    /** Fails the waiting parents of {@code ended}; returns the parents it failed. */
    public Uni<List<UUID>> failAwaitingParents(SqlConnection connection, List<UUID> ended) {
        if (ended.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(FAIL_AWAITING_PARENTS).execute(Tuple.of(ended.toArray(UUID[]::new)))
                .map(TaskRepository::ids);
    }

    public Uni<List<UUID>> settleable(SqlConnection connection, int limit) {
        return connection.preparedQuery(SETTLEABLE).execute(Tuple.of((long) limit)).map(TaskRepository::ids);
    }
}
