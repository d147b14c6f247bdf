package ai.reigh.tasks.repository;

import java.util.List;
import java.util.UUID;

import ai.reigh.common.db.Rows;
import io.vertx.mutiny.sqlclient.Row;

/** The one column list every statement that returns tasks uses, and its mapping. */
final class TaskColumns {
    static final List<String> NAMES = List.of("id", "project_id", "user_id", "task_type", "status", "params",
            "dependant_on", "parent_task_id", "output_location", "result_data", "error_message", "worker_id",
            "attempts", "max_attempts", "lease_token", "lease_expires_at", "run_after", "generation_started_at",
            "generation_processed_at", "request_hash", "completion_hash", "created_at", "updated_at", "is_orchestrator",
            "awaiting_children_since");

    /** {@code id, project_id, …} */
    static final String PLAIN = String.join(", ", NAMES);

    private TaskColumns() {
    }

    /** {@code t.id, t.project_id, …} */
    static String of(String alias) {
        return String.join(", ", NAMES.stream().map(name -> alias + "." + name).toList());
    }

    static TaskRow map(Row row) {
        UUID[] dependencies = row.getArrayOfUUIDs("dependant_on");
        return new TaskRow(row.getUUID("id"), row.getUUID("project_id"), row.getUUID("user_id"),
                row.getString("task_type"), row.getString("status"), Rows.json(row, "params"),
                dependencies == null ? List.of() : List.of(dependencies), row.getUUID("parent_task_id"),
                row.getString("output_location"), Rows.json(row, "result_data"), row.getString("error_message"),
                row.getString("worker_id"), row.getInteger("attempts"), row.getInteger("max_attempts"),
                row.getUUID("lease_token"), Rows.instant(row, "lease_expires_at"), Rows.instant(row, "run_after"),
                Rows.instant(row, "generation_started_at"), Rows.instant(row, "generation_processed_at"),
                row.getString("request_hash"), row.getString("completion_hash"), Rows.instant(row, "created_at"),
                Rows.instant(row, "updated_at"), Boolean.TRUE.equals(row.getBoolean("is_orchestrator")),
                Rows.instant(row, "awaiting_children_since"));
    }
}
