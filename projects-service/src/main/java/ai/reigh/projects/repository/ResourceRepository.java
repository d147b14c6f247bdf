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

/** {@code resources} (LoRA models and others): the owner's, plus everybody's public ones to read. */
@ApplicationScoped
public class ResourceRepository {
    static final String COLUMNS = "id, user_id, type, name, url, object_id, metadata, is_public, created_at";

    static final String INSERT = "INSERT INTO resources (user_id, type, name, url, object_id, metadata, is_public)"
            + " VALUES ($1, $2, $3, $4, $5, coalesce($6, '{}'::jsonb), $7) RETURNING " + COLUMNS;
    static final String COUNT_OWNED = "SELECT count(*) FROM resources WHERE user_id = $1";
    /** Readable: the caller's own, or public. */
    static final String FIND_VISIBLE = "SELECT " + COLUMNS + " FROM resources WHERE id = $1 AND (user_id = $2 OR is_public)";
    static final String LOCK_OWNED = "SELECT " + COLUMNS + " FROM resources WHERE id = $1 AND user_id = $2 FOR NO KEY UPDATE";
    /** Many by id: the caller's and public ones (the rest are simply absent). */
    static final String FIND_MANY_VISIBLE = "SELECT " + COLUMNS + " FROM resources WHERE id = ANY ($1::uuid[])"
            + " AND (user_id = $2 OR is_public)";
    /**
     * Lists are keyset pages newest first, one statement per shape so that each is read in the order
     * of its own index (a catch-all "$n IS NULL OR type = $n" would get a generic plan that sorts).
     */
    static final String KEYSET = " AND ($%1$d::timestamptz IS NULL OR (created_at, id) < ($%1$d, $%2$d))"
            + " ORDER BY created_at DESC, id DESC LIMIT $%3$d";
    static final String PAGE_OWNED = "SELECT " + COLUMNS + " FROM resources WHERE user_id = $1"
            + KEYSET.formatted(2, 3, 4);
    static final String PAGE_OWNED_OF_TYPE = "SELECT " + COLUMNS + " FROM resources WHERE user_id = $1 AND type = $2"
            + KEYSET.formatted(3, 4, 5);
    static final String PAGE_PUBLIC = "SELECT " + COLUMNS + " FROM resources WHERE is_public" + KEYSET.formatted(1, 2, 3);
    /** The public catalogue of one type: walked through {@code resources_public_by_type}. */
    public static final String PAGE_PUBLIC_OF_TYPE = "SELECT " + COLUMNS + " FROM resources WHERE is_public AND type = $1"
            + KEYSET.formatted(2, 3, 4);
    static final String UPDATE = "UPDATE resources SET type = $3, name = $4, metadata = $5, is_public = $6"
            + " WHERE id = $1 AND user_id = $2 RETURNING " + COLUMNS;
    static final String DELETE_QUEUEING_OBJECT = """
            WITH gone AS (
              DELETE FROM resources WHERE id = $1 AND user_id = $2 RETURNING id, object_id
            ), queued AS (
              INSERT INTO storage_deletion_outbox (object_id, reason)
              SELECT gone.object_id, $3 FROM gone WHERE gone.object_id IS NOT NULL AND %s
              RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM queued) AS queued"""
            .formatted(StorageDeletionOutboxRepository.unreferencedElsewhere("gone.object_id", "true",
                    "true", "ores.id <> gone.id", "true"));

    public Uni<ResourceRow> insert(SqlConnection connection, UUID userId, String type, String name, String url,
            UUID objectId, JsonNode metadata, boolean isPublic) {
        return connection.preparedQuery(INSERT)
                .execute(Sql.params(userId, type, name, url, objectId, metadata, isPublic))
                .map(rows -> Rows.first(rows, ResourceRepository::map));
    }

    public Uni<Long> countOwned(SqlConnection connection, UUID userId) {
        return connection.preparedQuery(COUNT_OWNED).execute(Sql.params(userId)).map(Sql::firstLong);
    }

    public Uni<ResourceRow> findVisible(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(FIND_VISIBLE).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, ResourceRepository::map));
    }

    public Uni<ResourceRow> lockOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(LOCK_OWNED).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, ResourceRepository::map));
    }

    public Uni<List<ResourceRow>> findVisible(SqlConnection connection, List<UUID> ids, UUID userId) {
        return connection.preparedQuery(FIND_MANY_VISIBLE).execute(Sql.params(ids.toArray(UUID[]::new), userId))
                .map(rows -> Rows.map(rows, ResourceRepository::map));
    }

    public Uni<List<ResourceRow>> pageOwned(SqlConnection connection, UUID userId, String type, PageRequest page) {
        var statement = type == null
                ? connection.preparedQuery(PAGE_OWNED).execute(Sql.params(userId, page.afterCreatedAt(), page.afterId(),
                        page.fetchSize()))
                : connection.preparedQuery(PAGE_OWNED_OF_TYPE).execute(Sql.params(userId, type, page.afterCreatedAt(),
                        page.afterId(), page.fetchSize()));
        return statement.map(rows -> Rows.map(rows, ResourceRepository::map));
    }

    public Uni<List<ResourceRow>> pagePublic(SqlConnection connection, String type, PageRequest page) {
        var statement = type == null
                ? connection.preparedQuery(PAGE_PUBLIC).execute(Sql.params(page.afterCreatedAt(), page.afterId(),
                        page.fetchSize()))
                : connection.preparedQuery(PAGE_PUBLIC_OF_TYPE).execute(Sql.params(type, page.afterCreatedAt(),
                        page.afterId(), page.fetchSize()));
        return statement.map(rows -> Rows.map(rows, ResourceRepository::map));
    }

    public Uni<ResourceRow> update(SqlConnection connection, UUID id, UUID userId, String type, String name,
            JsonNode metadata, boolean isPublic) {
        return connection.preparedQuery(UPDATE).execute(Sql.params(id, userId, type, name, metadata, isPublic))
                .map(rows -> Rows.first(rows, ResourceRepository::map));
    }

    public Uni<DeletedWithObjects> deleteQueueingObject(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_QUEUEING_OBJECT)
                .execute(Sql.params(id, userId, StorageDeletionOutboxRepository.REASON_RESOURCE_DELETED))
                .map(DeletedWithObjects::from);
    }

    static ResourceRow map(Row row) {
        return new ResourceRow(row.getUUID("id"), row.getUUID("user_id"), row.getString("type"), row.getString("name"),
                row.getString("url"), row.getUUID("object_id"), Rows.json(row, "metadata"), row.getBoolean("is_public"),
                Rows.instant(row, "created_at"));
    }
}
