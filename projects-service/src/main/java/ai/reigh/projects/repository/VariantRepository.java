package ai.reigh.projects.repository;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Conditions;
import ai.reigh.common.db.Rows;
import ai.reigh.common.page.PageRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * {@code generation_variants}: alternative outputs of a generation. Callers hold the generation's row
 * lock for every change that involves the primary (create, switch, delete), so that those changes of
 * one generation run one after the other; the unique index on the primary is checked row by row,
 * which is why a switch clears the old primary before it sets the new one.
 */
@ApplicationScoped
public class VariantRepository {
    public static final String UNIQUE_TASK = "generation_variants_one_per_task";
    public static final String UNIQUE_IDEMPOTENCY_KEY = "generation_variants_idempotency";

    static final String COLUMNS = "v.id, v.generation_id, v.project_id, v.url, v.thumbnail_url, v.object_id, v.params,"
            + " v.variant_type, v.name, v.is_primary, v.starred, v.viewed_at, v.task_id, v.request_hash, v.created_at,"
            + " v.updated_at";

    /** A variant the user adds; the generation is the caller's (checked under its lock). */
    static final String INSERT = "INSERT INTO generation_variants AS v (generation_id, project_id, url, thumbnail_url,"
            + " object_id, params, variant_type, name, starred, viewed_at, idempotency_key, request_hash)"
            + " VALUES ($1, $2, $3, $4, $5, coalesce($6, '{}'::jsonb), $7, $8, $9, $10, $11, $12)"
            + " ON CONFLICT (generation_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"
            + " RETURNING " + COLUMNS;
    /** A task's output: no row back means the task already has its variant (a replayed delivery). */
    static final String INSERT_FROM_TASK = "INSERT INTO generation_variants AS v (generation_id, project_id, url,"
            + " thumbnail_url, object_id, params, variant_type, task_id, viewed_at)"
            + " VALUES ($1, $2, $3, $4, $5, coalesce($6, '{}'::jsonb), $7, $8, $9)"
            + " ON CONFLICT (task_id) WHERE task_id IS NOT NULL DO NOTHING RETURNING " + COLUMNS;
    static final String FIND_BY_TASK = "SELECT " + COLUMNS + " FROM generation_variants v WHERE v.task_id = $1";
    static final String FIND_BY_IDEMPOTENCY_KEY = "SELECT " + COLUMNS + " FROM generation_variants v"
            + " WHERE v.generation_id = $1 AND v.idempotency_key = $2";
    static final String FIND_IN_GENERATION = "SELECT " + COLUMNS + " FROM generation_variants v"
            + " WHERE v.id = $1 AND v.generation_id = $2";
    static final String FIND_MANY_OWNED = "SELECT " + COLUMNS + " FROM generation_variants v"
            + " JOIN projects p ON p.id = v.project_id WHERE p.user_id = $1 AND v.id = ANY($2::uuid[])"
            + " ORDER BY v.created_at DESC, v.id DESC";
    /** Joined to the list, one hash-index probe per URL (a hash index cannot serve {@code = ANY}). */
    static final String FIND_MANY_OWNED_BY_URL = "SELECT " + COLUMNS + " FROM unnest($2::text[]) AS wanted(url)"
            + " JOIN generation_variants v ON v.url = wanted.url JOIN projects p ON p.id = v.project_id"
            + " WHERE p.user_id = $1 ORDER BY v.created_at DESC, v.id DESC LIMIT $3";
    /*
     * The two lists (a generation's variants, a project's), assembled from the filters given (common's
     * Conditions): only their conditions, the keyset only after a first page, the limit written in, and
     * the caller's ownership inside the page statement (an uncorrelated EXISTS: PostgreSQL evaluates it
     * once, and a stranger's generation or project is never walked). Each shape is one prepared statement
     * whose generic plan walks the list's newest-first index; VariantService runs it planned once.
     */
    static final String IN_GENERATION = "v.generation_id = $%d";
    static final String GENERATION_OWNED_BY = "EXISTS (SELECT 1 FROM generations g JOIN projects p ON p.id = g.project_id"
            + " WHERE g.id = $%d AND p.user_id = $%d)";
    static final String IN_PROJECT = "v.project_id = $%d";
    static final String OF_VARIANT_TYPES = "v.variant_type = ANY ($%d::text[])";
    static final String PRIMARY = "v.is_primary = $%d";
    static final String STARRED = "v.starred = $%d";
    static final String OF_TOOL_TYPES = "v.params ->> 'tool_type' = ANY ($%d::text[])";
    static final String OF_GENERATION_TYPE = "EXISTS (SELECT 1 FROM generations vg WHERE vg.id = v.generation_id"
            + " AND vg.type = $%d)";
    static final String PARENTS_ONLY = "v.params ->> 'parent_variant_id' IS NULL";
    static final String AFTER_NEWEST_FIRST = "(v.created_at, v.id) < ($%d, $%d)";
    static final String AFTER_OLDEST_FIRST = "(v.created_at, v.id) > ($%d, $%d)";
    static final String NEWEST_FIRST = " ORDER BY v.created_at DESC, v.id DESC LIMIT ";
    static final String OLDEST_FIRST = " ORDER BY v.created_at, v.id LIMIT ";
    static final String COUNT_ALL_IN_GENERATION = "SELECT count(*) FROM generation_variants WHERE generation_id = $1";
    /** The first of a primary switch: no other variant of the generation stays primary. */
    static final String CLEAR_PRIMARY = "UPDATE generation_variants SET is_primary = false"
            + " WHERE generation_id = $1 AND is_primary AND id <> $2";
    static final String SET_PRIMARY = "UPDATE generation_variants v SET is_primary = true"
            + " WHERE v.id = $1 AND v.generation_id = $2 RETURNING " + COLUMNS;
    /** After the primary was deleted with the other edits: the oldest original left, else nothing. */
    static final String OLDEST_ORIGINAL = "SELECT " + COLUMNS + " FROM generation_variants v"
            + " WHERE v.generation_id = $1 AND v.variant_type = 'original' ORDER BY v.created_at, v.id LIMIT 1";
    static final String UPDATE = "UPDATE generation_variants v SET name = $3, starred = $4, params = $5,"
            + " variant_type = $6, thumbnail_url = $7 WHERE v.id = $1 AND v.generation_id = $2 RETURNING " + COLUMNS;
    /** A generation's url or thumbnail patched: its primary variant shows the same media. */
    static final String SET_MEDIA = "UPDATE generation_variants v SET url = $2, thumbnail_url = $3 WHERE v.id = $1"
            + " RETURNING " + COLUMNS;
    /** Only the first view counts: a variant already viewed is not written again. */
    static final String MARK_VIEWED = "UPDATE generation_variants SET viewed_at = now()"
            + " WHERE id = $1 AND generation_id = $2 AND viewed_at IS NULL";
    static final String MARK_ALL_VIEWED = "UPDATE generation_variants SET viewed_at = now()"
            + " WHERE generation_id = $1 AND viewed_at IS NULL";

    /**
     * Deletes one variant (never the primary or an original: the statement matches neither) and
     * queues its storage object unless another row still refers to it (the generation itself, for
     * an original's object, or another variant).
     */
    static final String DELETE_QUEUEING_OBJECT = """
            WITH gone AS (
              DELETE FROM generation_variants
              WHERE id = $1 AND generation_id = $2 AND NOT is_primary AND variant_type IS DISTINCT FROM 'original'
              RETURNING id, object_id
            ), queued AS (
              INSERT INTO storage_deletion_outbox (object_id, reason)
              SELECT gone.object_id, $3 FROM gone WHERE gone.object_id IS NOT NULL AND %s
              RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM queued) AS queued"""
            .formatted(StorageDeletionOutboxRepository.unreferencedElsewhere("gone.object_id", "true",
                    "ov.id <> gone.id", "true", "true"));

    /** Every variant of the generation but its originals, with the objects nothing else refers to. */
    static final String DELETE_ALL_BUT_ORIGINALS_QUEUEING_OBJECTS = """
            WITH gone AS (
              DELETE FROM generation_variants
              WHERE generation_id = $1 AND variant_type IS DISTINCT FROM 'original'
              RETURNING id, object_id
            ), queued AS (
              INSERT INTO storage_deletion_outbox (object_id, reason)
              SELECT DISTINCT gone.object_id, $2 FROM gone WHERE gone.object_id IS NOT NULL AND %s
              RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM queued) AS queued"""
            .formatted(StorageDeletionOutboxRepository.unreferencedElsewhere("gone.object_id", "true",
                    "ov.id NOT IN (SELECT id FROM gone)", "true", "true"));

    public Uni<VariantRow> insert(SqlConnection connection, NewVariant variant) {
        return connection.preparedQuery(INSERT)
                .execute(Sql.params(variant.generationId(), variant.projectId(), variant.url(), variant.thumbnailUrl(),
                        variant.objectId(), variant.params(), variant.variantType(), variant.name(), variant.starred(),
                        variant.viewedAt(), variant.idempotencyKey(), variant.requestHash()))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    /** The new variant, or null when the task already has one. */
    public Uni<VariantRow> insertFromTask(SqlConnection connection, NewVariant variant, UUID taskId) {
        return connection.preparedQuery(INSERT_FROM_TASK)
                .execute(Sql.params(variant.generationId(), variant.projectId(), variant.url(), variant.thumbnailUrl(),
                        variant.objectId(), variant.params(), variant.variantType(), taskId, variant.viewedAt()))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    public Uni<VariantRow> findByTask(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(FIND_BY_TASK).execute(Sql.params(taskId))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    public Uni<VariantRow> findByIdempotencyKey(SqlConnection connection, UUID generationId, String key) {
        return connection.preparedQuery(FIND_BY_IDEMPOTENCY_KEY).execute(Sql.params(generationId, key))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    /** The caller has checked that the generation is theirs. */
    public Uni<VariantRow> findInGeneration(SqlConnection connection, UUID id, UUID generationId) {
        return connection.preparedQuery(FIND_IN_GENERATION).execute(Sql.params(id, generationId))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    public Uni<List<VariantRow>> findManyOwned(SqlConnection connection, UUID userId, UUID[] ids) {
        return connection.preparedQuery(FIND_MANY_OWNED).execute(Sql.params(userId, ids))
                .map(rows -> Rows.map(rows, VariantRepository::map));
    }

    /** A page of the generation's variants, empty when the generation is not {@code ownerId}'s. */
    public Uni<List<VariantRow>> pageInOwnedGeneration(SqlConnection connection, UUID generationId, UUID ownerId,
            VariantFilter filter, PageRequest page) {
        return page(connection, inOwnedGeneration(generationId, ownerId, filter), false, page);
    }

    public Uni<Long> countInGeneration(SqlConnection connection, UUID generationId, VariantFilter filter) {
        return count(connection, inGeneration(generationId, filter));
    }

    public Uni<List<VariantRow>> findManyOwnedByUrl(SqlConnection connection, UUID userId, String[] urls, int limit) {
        return connection.preparedQuery(FIND_MANY_OWNED_BY_URL).execute(Sql.params(userId, urls, limit))
                .map(rows -> Rows.map(rows, VariantRepository::map));
    }

    /** A page of the project's variants, empty when the project is not {@code ownerId}'s. */
    public Uni<List<VariantRow>> pageInOwnedProject(SqlConnection connection, UUID projectId, UUID ownerId,
            ProjectVariantFilter filter, PageRequest page) {
        return page(connection, inOwnedProject(projectId, ownerId, filter), filter.oldestFirst(), page);
    }

    public Uni<Long> countInProject(SqlConnection connection, UUID projectId, ProjectVariantFilter filter) {
        return count(connection, inProject(projectId, filter));
    }

    /** The generation's variants the filter keeps, none when the generation is not {@code ownerId}'s. */
    static Conditions inOwnedGeneration(UUID generationId, UUID ownerId, VariantFilter filter) {
        return inGeneration(generationId, filter).and(GENERATION_OWNED_BY, generationId, ownerId);
    }

    static Conditions inGeneration(UUID generationId, VariantFilter filter) {
        return new Conditions().and(IN_GENERATION, generationId)
                .andGiven(OF_VARIANT_TYPES, filter.variantTypes())
                .andGiven(PRIMARY, filter.isPrimary())
                .andGiven(STARRED, filter.starred());
    }

    /** The project's variants the filter keeps, none when the project is not {@code ownerId}'s. */
    static Conditions inOwnedProject(UUID projectId, UUID ownerId, ProjectVariantFilter filter) {
        return inProject(projectId, filter).and(ProjectRepository.OWNED_BY, projectId, ownerId);
    }

    static Conditions inProject(UUID projectId, ProjectVariantFilter filter) {
        Conditions where = new Conditions().and(IN_PROJECT, projectId)
                .andGiven(OF_TOOL_TYPES, filter.toolTypes())
                .andGiven(OF_VARIANT_TYPES, filter.variantTypes())
                .andGiven(OF_GENERATION_TYPE, filter.type());
        return filter.parentsOnly() ? where.and(PARENTS_ONLY) : where;
    }

    static String pageSql(Conditions where, boolean oldestFirst, PageRequest page) {
        return "SELECT " + COLUMNS + " FROM generation_variants v WHERE " + where.sql()
                + (oldestFirst ? OLDEST_FIRST : NEWEST_FIRST) + page.fetchSize();
    }

    private Uni<List<VariantRow>> page(SqlConnection connection, Conditions where, boolean oldestFirst,
            PageRequest page) {
        if (page.after() != null) {
            where.and(oldestFirst ? AFTER_OLDEST_FIRST : AFTER_NEWEST_FIRST,
                    OffsetDateTime.ofInstant(page.afterCreatedAt(), ZoneOffset.UTC), page.afterId());
        }
        return connection.preparedQuery(pageSql(where, oldestFirst, page)).execute(where.arguments())
                .map(rows -> Rows.map(rows, VariantRepository::map));
    }

    private static Uni<Long> count(SqlConnection connection, Conditions where) {
        return connection.preparedQuery("SELECT count(*) FROM generation_variants v WHERE " + where.sql())
                .execute(where.arguments()).map(Sql::firstLong);
    }

    public Uni<Long> countAllInGeneration(SqlConnection connection, UUID generationId) {
        return connection.preparedQuery(COUNT_ALL_IN_GENERATION).execute(Sql.params(generationId)).map(Sql::firstLong);
    }

    /** Makes {@code id} the generation's only primary (two statements: the index is checked per row). */
    public Uni<VariantRow> makePrimary(SqlConnection connection, UUID id, UUID generationId) {
        return connection.preparedQuery(CLEAR_PRIMARY).execute(Sql.params(generationId, id))
                .chain(() -> connection.preparedQuery(SET_PRIMARY).execute(Sql.params(id, generationId)))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    public Uni<VariantRow> oldestOriginal(SqlConnection connection, UUID generationId) {
        return connection.preparedQuery(OLDEST_ORIGINAL).execute(Sql.params(generationId))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    public Uni<VariantRow> update(SqlConnection connection, UUID id, UUID generationId, String name, boolean starred,
            JsonNode params, String variantType, String thumbnailUrl) {
        return connection.preparedQuery(UPDATE)
                .execute(Sql.params(id, generationId, name, starred, params, variantType, thumbnailUrl))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    public Uni<VariantRow> setMedia(SqlConnection connection, UUID id, String url, String thumbnailUrl) {
        return connection.preparedQuery(SET_MEDIA).execute(Sql.params(id, url, thumbnailUrl))
                .map(rows -> Rows.first(rows, VariantRepository::map));
    }

    public Uni<Integer> markViewed(SqlConnection connection, UUID id, UUID generationId) {
        return connection.preparedQuery(MARK_VIEWED).execute(Sql.params(id, generationId)).map(RowSet::rowCount);
    }

    public Uni<Integer> markAllViewed(SqlConnection connection, UUID generationId) {
        return connection.preparedQuery(MARK_ALL_VIEWED).execute(Sql.params(generationId)).map(RowSet::rowCount);
    }

    public Uni<DeletedWithObjects> deleteQueueingObject(SqlConnection connection, UUID id, UUID generationId) {
        return connection.preparedQuery(DELETE_QUEUEING_OBJECT)
                .execute(Sql.params(id, generationId, StorageDeletionOutboxRepository.REASON_VARIANT_DELETED))
                .map(DeletedWithObjects::from);
    }

    public Uni<DeletedWithObjects> deleteAllButOriginalsQueueingObjects(SqlConnection connection, UUID generationId) {
        return connection.preparedQuery(DELETE_ALL_BUT_ORIGINALS_QUEUEING_OBJECTS)
                .execute(Sql.params(generationId, StorageDeletionOutboxRepository.REASON_VARIANT_DELETED))
                .map(DeletedWithObjects::from);
    }

    static VariantRow map(Row row) {
        return new VariantRow(row.getUUID("id"), row.getUUID("generation_id"), row.getUUID("project_id"),
                row.getString("url"), row.getString("thumbnail_url"), row.getUUID("object_id"), Rows.json(row, "params"),
                row.getString("variant_type"), row.getString("name"), row.getBoolean("is_primary"),
                row.getBoolean("starred"), Rows.instant(row, "viewed_at"), row.getUUID("task_id"),
                row.getString("request_hash"), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }

    /** What a new variant is made of (the task id, when there is one, is passed on its own). */
    public record NewVariant(UUID generationId, UUID projectId, String url, String thumbnailUrl, UUID objectId,
            JsonNode params, String variantType, String name, boolean starred, java.time.Instant viewedAt,
            String idempotencyKey, String requestHash) {
    }

    /**
     * Filters of a project's variant list; null means any. {@code type}: the generation's media type;
     * {@code parentsOnly}: not made from another variant (no {@code params.parent_variant_id}).
     */
    public record ProjectVariantFilter(String[] toolTypes, String[] variantTypes, String type, boolean parentsOnly,
            boolean oldestFirst) {
    }

    /** Filters of a generation's variant list; null means any. */
    public record VariantFilter(String[] variantTypes, Boolean isPrimary, Boolean starred) {
    }
}
