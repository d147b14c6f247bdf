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

/** {@code projects}. Every statement names the owner as well: RLS is the second lock, not the only one. */
@ApplicationScoped
public class ProjectRepository {
    /**
     * A condition for a list statement: the project (first placeholder) is the user's (second). Uncorrelated,
     * so PostgreSQL evaluates it once for the statement (a one-time filter).
     */
    static final String OWNED_BY = "EXISTS (SELECT 1 FROM projects p WHERE p.id = $%d AND p.user_id = $%d)";
    static final String COLUMNS = "id, user_id, name, aspect_ratio, settings, created_at";

    static final String INSERT = "INSERT INTO projects (user_id, name, aspect_ratio, settings) "
            + "VALUES ($1, $2, $3, coalesce($4, '{}'::jsonb)) RETURNING " + COLUMNS;
    static final String COUNT_OWNED = "SELECT count(*) FROM projects WHERE user_id = $1";
    static final String FIND_OWNED = "SELECT " + COLUMNS + " FROM projects WHERE id = $1 AND user_id = $2";
    /**
     * Serialises changes to a project's shot order (create at the end, reorder). NO KEY UPDATE does
     * not block rows that merely reference the project (generations, tasks being inserted).
     */
    static final String LOCK_OWNED = FIND_OWNED + " FOR NO KEY UPDATE";
    static final String PAGE_OWNED = "SELECT " + COLUMNS + " FROM projects WHERE user_id = $1"
            + " AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))"
            + " ORDER BY created_at DESC, id DESC LIMIT $4";
    static final String UPDATE = "UPDATE projects SET name = $3, aspect_ratio = $4, settings = $5"
            + " WHERE id = $1 AND user_id = $2 RETURNING " + COLUMNS;

    /**
     * One statement: deletes the project (shots, links, generations and tasks go with it by cascade)
     * and queues the deletion of every storage object its generations and their variants referenced that
     * nothing else refers to. All parts see the rows as they were before the statement.
     */
    static final String DELETE_QUEUEING_OBJECTS = """
            WITH gone AS (
              DELETE FROM projects WHERE id = $1 AND user_id = $2 RETURNING id
            ), queued AS (
              INSERT INTO storage_deletion_outbox (object_id, reason)
              SELECT DISTINCT o.object_id, $3 FROM (
                SELECT g.object_id, g.project_id FROM generations g WHERE g.project_id = $1
                UNION ALL
                SELECT v.object_id, v.project_id FROM generation_variants v WHERE v.project_id = $1
              ) o JOIN gone ON o.project_id = gone.id
              WHERE o.object_id IS NOT NULL AND %s
              RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM queued) AS queued"""
            .formatted(StorageDeletionOutboxRepository.unreferencedElsewhere("o.object_id",
                    "og.project_id <> gone.id", "ov.project_id <> gone.id", "true", "true"));

    public Uni<ProjectRow> insert(SqlConnection connection, UUID userId, String name, String aspectRatio,
            JsonNode settings) {
        return connection.preparedQuery(INSERT).execute(Sql.params(userId, name, aspectRatio, settings))
                .map(rows -> Rows.first(rows, ProjectRepository::map));
    }

    public Uni<Long> countOwned(SqlConnection connection, UUID userId) {
        return connection.preparedQuery(COUNT_OWNED).execute(Sql.params(userId)).map(Sql::firstLong);
    }

    public Uni<ProjectRow> findOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(FIND_OWNED).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, ProjectRepository::map));
    }

    public Uni<ProjectRow> lockOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(LOCK_OWNED).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, ProjectRepository::map));
    }

    public Uni<List<ProjectRow>> pageOwned(SqlConnection connection, UUID userId, PageRequest page) {
        return connection.preparedQuery(PAGE_OWNED)
                .execute(Sql.params(userId, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, ProjectRepository::map));
    }

    public Uni<ProjectRow> update(SqlConnection connection, UUID id, UUID userId, String name, String aspectRatio,
            JsonNode settings) {
        return connection.preparedQuery(UPDATE).execute(Sql.params(id, userId, name, aspectRatio, settings))
                .map(rows -> Rows.first(rows, ProjectRepository::map));
    }

    /** Whether the project was deleted, and how many object deletions were queued. */
    public Uni<DeletedWithObjects> deleteQueueingObjects(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_QUEUEING_OBJECTS)
                .execute(Sql.params(id, userId, StorageDeletionOutboxRepository.REASON_PROJECT_DELETED))
                .map(DeletedWithObjects::from);
    }

    static ProjectRow map(Row row) {
        return new ProjectRow(row.getUUID("id"), row.getUUID("user_id"), row.getString("name"),
                row.getString("aspect_ratio"), Rows.json(row, "settings"), Rows.instant(row, "created_at"));
    }
}
