package ai.reigh.projects.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Rows;
import ai.reigh.common.page.PageRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** {@code generations}: images and videos of a project, from tasks or uploaded by the user. */
@ApplicationScoped
public class GenerationRepository {
    static final String COLUMNS = "id, project_id, type, url, thumbnail_url, object_id, metadata, task_id, name, starred, created_at";
    static final String OWNED = " FROM generations g JOIN projects p ON p.id = g.project_id WHERE g.id = $1 AND p.user_id = $2";

    /** Inserts only into a project of the caller: no row back means no such project. */
    static final String INSERT_UPLOAD = "INSERT INTO generations (project_id, type, url, object_id, metadata)"
            + " SELECT p.id, $3, $4, $5, coalesce($6, '{}'::jsonb) FROM projects p WHERE p.id = $1 AND p.user_id = $2"
            + " RETURNING " + COLUMNS;
    /**
     * Exactly one generation per task however often the completion is delivered: the unique index
     * decides (concurrent deliveries wait on it), no row back means it existed already (or the
     * project is gone).
     */
    static final String INSERT_FROM_TASK = "INSERT INTO generations"
            + " (project_id, task_id, type, url, thumbnail_url, object_id, metadata)"
            + " SELECT p.id, $2, $3, $4, $5, $6, coalesce($7, '{}'::jsonb) FROM projects p WHERE p.id = $1"
            + " ON CONFLICT (task_id) WHERE task_id IS NOT NULL DO NOTHING RETURNING " + COLUMNS;
    static final String FIND_BY_TASK = "SELECT " + COLUMNS + " FROM generations WHERE task_id = $1";
    static final String FIND_OWNED = "SELECT " + Sql.qualified("g", COLUMNS) + OWNED;
    static final String LOCK_OWNED = FIND_OWNED + " FOR NO KEY UPDATE OF g";
    static final String PAGE_IN_PROJECT = "SELECT " + Sql.qualified("g", COLUMNS) + " FROM generations g"
            + " WHERE g.project_id = $1"
            + " AND ($2::text IS NULL OR g.type = $2)"
            + " AND ($3::boolean IS NULL OR g.starred = $3)"
            + " AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM shot_generations sg"
            + "   WHERE sg.generation_id = g.id AND sg.shot_id = $4 AND (NOT $5 OR sg.position IS NULL)))"
            + " AND ($6::timestamptz IS NULL OR (g.created_at, g.id) < ($6, $7))"
            + " ORDER BY g.created_at DESC, g.id DESC LIMIT $8";
    static final String UPDATE = "UPDATE generations SET name = $2, starred = $3, metadata = $4 WHERE id = $1"
            + " RETURNING " + COLUMNS;
    static final String DELETE_QUEUEING_OBJECT = """
            WITH gone AS (
              DELETE FROM generations g USING projects p
              WHERE g.id = $1 AND p.id = g.project_id AND p.user_id = $2
              RETURNING g.id, g.object_id
            ), queued AS (
              INSERT INTO storage_deletion_outbox (object_id, reason)
              SELECT gone.object_id, $3 FROM gone WHERE gone.object_id IS NOT NULL AND %s
              RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM queued) AS queued"""
            .formatted(StorageDeletionOutboxRepository.unreferencedElsewhere("gone.object_id", "og.id <> gone.id",
                    "true", "true"));

    public Uni<GenerationRow> insertUpload(SqlConnection connection, UUID projectId, UUID userId, String type,
            String url, UUID objectId, JsonNode metadata) {
        return connection.preparedQuery(INSERT_UPLOAD)
                .execute(Sql.params(projectId, userId, type, url, objectId, metadata))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    /** The new row, or null when the task already had one (or the project does not exist). */
    public Uni<GenerationRow> insertFromTask(SqlConnection connection, UUID projectId, UUID taskId, String type,
            String url, String thumbnailUrl, UUID objectId, JsonNode metadata) {
        return connection.preparedQuery(INSERT_FROM_TASK)
                .execute(Sql.params(projectId, taskId, type, url, thumbnailUrl, objectId, metadata))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<GenerationRow> findByTask(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(FIND_BY_TASK).execute(Sql.params(taskId))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<GenerationRow> findOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(FIND_OWNED).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<GenerationRow> lockOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(LOCK_OWNED).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<List<GenerationRow>> pageInProject(SqlConnection connection, UUID projectId, GenerationFilter filter,
            PageRequest page) {
        return connection.preparedQuery(PAGE_IN_PROJECT)
                .execute(Sql.params(projectId, filter.type(), filter.starred(), filter.shotId(),
                        filter.onlyUnpositionedInShot(), page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, GenerationRepository::map));
    }

    public Uni<GenerationRow> update(SqlConnection connection, UUID id, String name, boolean starred,
            JsonNode metadata) {
        return connection.preparedQuery(UPDATE).execute(Sql.params(id, name, starred, metadata))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<DeletedWithObjects> deleteQueueingObject(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_QUEUEING_OBJECT)
                .execute(Sql.params(id, userId, StorageDeletionOutboxRepository.REASON_GENERATION_DELETED))
                .map(DeletedWithObjects::from);
    }

    static GenerationRow map(Row row) {
        return new GenerationRow(row.getUUID("id"), row.getUUID("project_id"), row.getString("type"),
                row.getString("url"), row.getString("thumbnail_url"), row.getUUID("object_id"),
                Rows.json(row, "metadata"), row.getUUID("task_id"), row.getString("name"),
                row.getBoolean("starred"), Rows.instant(row, "created_at"));
    }
}
