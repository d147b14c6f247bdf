package ai.reigh.tasks.compat.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The reads of the fleet's protocol that the platform's own API does not have. They run under the
 * worker's acting context (a local worker sees only its owner's rows; row-level security is the second
 * lock), every list is bounded, and each statement reads through an index.
 */
@ApplicationScoped
public class EdgeReadRepository {
    /** Counts stop at this many rows (task-counts is logged by the fleet, never used as a number). */
    public static final int COUNT_CAP = 10_000;

    private static String capped(String where) {
        return "(SELECT count(*) FROM (SELECT 1 FROM tasks t WHERE " + where + " LIMIT " + COUNT_CAP + ") c)";
    }

    /** One text per owner shape, so that a local worker's counts read the per-owner index. */
    static String counts(boolean local) {
        String owner = local ? " AND t.user_id = $2" : " AND $2::uuid IS NULL";
        return "SELECT " + capped("t.status = 'Queued' AND t.run_type = $1 AND NOT t.is_orchestrator" + owner)
                + " AS queued_only, "
                + capped("t.status = 'Queued' AND t.run_type = $1 AND NOT t.is_orchestrator"
                        + " AND (t.run_after IS NULL OR t.run_after <= now()) AND t.attempts < t.max_attempts" + owner)
                + " AS eligible_queued, "
                + capped("t.status = 'In Progress' AND t.run_type = $1 AND NOT t.is_orchestrator" + owner)
                + " AS active_only, "
                + capped("t.status = 'Queued' AND t.run_type = $1 AND t.is_orchestrator" + owner)
                + " AS orchestrators_queued";
    }

    static final String CHILDREN = """
            SELECT id, task_type, status, params, output_location FROM tasks
            WHERE parent_task_id = $1 ORDER BY created_at, id LIMIT $2
            """;

    /** The dependencies of a task, in its project. */
    static final String DEPENDENCIES = """
            SELECT id, status, output_location FROM tasks WHERE id = ANY ($1::uuid[]) AND project_id = $2
            """;

    /** A run's Complete segments (index tasks_complete_segments_by_run), in segment order. */
    static String completedSegments(boolean byProject) {
        return """
                SELECT params -> 'segment_index' AS segment_index, output_location FROM tasks
                WHERE task_type = 'travel_segment' AND status = 'Complete'
                  AND coalesce(params ->> 'orchestrator_run_id', params #>> '{orchestration_contract,run_id}') = $1
                  AND output_location IS NOT NULL AND jsonb_typeof(params -> 'segment_index') = 'number'
                """ + (byProject ? " AND project_id = $2" : " AND $2::uuid IS NULL") + """

                ORDER BY (params ->> 'segment_index')::numeric, id LIMIT $3
                """;
    }

    public record Counts(long queuedOnly, long eligibleQueued, long activeOnly, long orchestratorsQueued) {
    }

    public record Child(UUID id, String taskType, String status, JsonNode params, String outputLocation) {
    }

    public record Dependency(UUID id, String status, String outputLocation) {
    }

    public record Segment(JsonNode segmentIndex, String outputLocation) {
    }

    public Uni<Counts> counts(SqlConnection connection, String runType, UUID ownerId) {
        return connection.preparedQuery(counts(ownerId != null)).execute(Tuple.of(runType, ownerId)).map(rows -> {
            Row row = rows.iterator().next();
            return new Counts(row.getLong("queued_only"), row.getLong("eligible_queued"), row.getLong("active_only"),
                    row.getLong("orchestrators_queued"));
        });
    }

    public Uni<List<Child>> children(SqlConnection connection, UUID parentId, int limit) {
        return connection.preparedQuery(CHILDREN).execute(Tuple.of(parentId, (long) limit))
                .map(rows -> Rows.map(rows, row -> new Child(row.getUUID("id"), row.getString("task_type"),
                        row.getString("status"), Rows.json(row, "params"), row.getString("output_location"))));
    }

    public Uni<List<Dependency>> dependencies(SqlConnection connection, List<UUID> ids, UUID projectId) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(DEPENDENCIES).execute(Tuple.of(ids.toArray(UUID[]::new), projectId))
                .map(rows -> Rows.map(rows, row -> new Dependency(row.getUUID("id"), row.getString("status"),
                        row.getString("output_location"))));
    }

    public Uni<List<Segment>> completedSegments(SqlConnection connection, String runId, UUID projectId, int limit) {
        return connection.preparedQuery(completedSegments(projectId != null))
                .execute(Tuple.of(runId, projectId, (long) limit))
                .map(rows -> Rows.map(rows, row -> new Segment(Rows.json(row, "segment_index"),
                        row.getString("output_location"))));
    }
}
