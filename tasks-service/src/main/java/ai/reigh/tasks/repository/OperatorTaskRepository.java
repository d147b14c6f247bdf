package ai.reigh.tasks.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** What only an operator does to tasks: see a task's relatives, and put a Failed task back in the queue. */
@ApplicationScoped
public class OperatorTaskRepository {
    /**
     * A fresh start for a Failed task, one statement: attempts from zero, no worker, no result. Only when
     * it can run: its parent (if any) still live, none of its dependencies Failed or Cancelled (it would
     * wait for them for ever). The reason goes to the history line the trigger writes (V2_47); the
     * guard trigger allows Failed → Queued to an admin only.
     */
    static final String REQUEUE = """
            WITH reason AS (SELECT set_config('reigh.transition_reason', $2, true) AS given)
            UPDATE tasks t SET status = 'Queued', attempts = 0, error_message = NULL, worker_id = NULL,
                               worker_user_id = NULL, run_after = NULL, generation_started_at = NULL,
                               generation_processed_at = NULL, result_data = NULL, output_location = NULL,
                               completion_hash = NULL
            FROM reason
            WHERE t.id = $1 AND t.status = 'Failed' AND reason.given IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM tasks p WHERE p.id = t.parent_task_id
                                AND p.status IN ('Complete', 'Failed', 'Cancelled'))
              AND NOT EXISTS (SELECT 1 FROM tasks d WHERE d.id = ANY (t.dependant_on)
                                AND d.status IN ('Failed', 'Cancelled'))
            RETURNING %s
            """.formatted(TaskColumns.of("t"));

    /** Children (bounded by the sub-task rules) and dependencies (at most 50), oldest first. */
    static final String RELATIVES = """
            SELECT 'child' AS relation, c.id, c.task_type, c.status, c.created_at FROM tasks c WHERE c.parent_task_id = $1
            UNION ALL
            SELECT 'dependency', d.id, d.task_type, d.status, d.created_at FROM tasks d
            WHERE d.id = ANY (SELECT unnest(dependant_on) FROM tasks WHERE id = $1)
            ORDER BY created_at, id
            """;

    /** Another task the operator's task page links to. */
    public record Relative(String relation, UUID id, String taskType, String status) {
    }

    /** The requeued task, or null when it is not Failed or cannot run again (see {@link #REQUEUE}). */
    public Uni<TaskRow> requeue(SqlConnection connection, UUID id, String reason) {
        return connection.preparedQuery(REQUEUE).execute(Tuple.of(id, reason))
                .map(rows -> Rows.first(rows, TaskColumns::map));
    }

    public Uni<List<Relative>> relatives(SqlConnection connection, UUID id) {
        return connection.preparedQuery(RELATIVES).execute(Tuple.of(id))
                .map(rows -> Rows.map(rows, row -> new Relative(row.getString("relation"), row.getUUID("id"),
                        row.getString("task_type"), row.getString("status"))));
    }
}
