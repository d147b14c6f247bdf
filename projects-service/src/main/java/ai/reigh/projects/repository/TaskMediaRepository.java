package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What a task made, for the operator console's task page: the generation it created, or the variant it
 * added to an existing one (each at most one per task: unique indexes generations_one_per_task and
 * generation_variants_one_per_task, which serve these reads).
 */
@ApplicationScoped
public class TaskMediaRepository {
    static final String OF_TASK = """
            SELECT 'generation' AS made, g.id, g.id AS generation_id, g.project_id, g.type, g.url, g.thumbnail_url,
                   g.created_at
            FROM generations g WHERE g.task_id = $1
            UNION ALL
            SELECT 'variant', v.id, v.generation_id, v.project_id, g.type, v.url, v.thumbnail_url, v.created_at
            FROM generation_variants v JOIN generations g ON g.id = v.generation_id WHERE v.task_id = $1
            """;

    /** {@code made}: {@code generation} or {@code variant} (then {@code generationId} is the one it was added to). */
    public record TaskMedia(String made, UUID id, UUID generationId, UUID projectId, String type, String url,
            String thumbnailUrl, Instant createdAt) {
    }

    public Uni<List<TaskMedia>> ofTask(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(OF_TASK).execute(Tuple.of(taskId)).map(rows -> Rows.map(rows,
                row -> new TaskMedia(row.getString("made"), row.getUUID("id"), row.getUUID("generation_id"),
                        row.getUUID("project_id"), row.getString("type"), row.getString("url"),
                        row.getString("thumbnail_url"), Rows.instant(row, "created_at"))));
    }
}
