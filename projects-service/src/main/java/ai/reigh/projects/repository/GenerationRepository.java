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
 * {@code generations}: images and videos of a project, from tasks or uploaded by the user, with their
 * lineage, segments, producing tasks and primary variant. Every read carries the counts of the
 * generation's variants (a scalar sub-query each, on the variants' generation index).
 */
@ApplicationScoped
public class GenerationRepository {
    public static final String UNIQUE_IDEMPOTENCY_KEY = "generations_idempotency";
    public static final String BASED_ON_FOREIGN_KEY = "generations_based_on_fkey";
    public static final String PARENT_FOREIGN_KEY = "generations_parent_generation_fkey";
    public static final String PAIR_FOREIGN_KEY = "generations_pair_shot_generation_id_fkey";
    /** The producing task ids a generation keeps (the database refuses more). */
    public static final int MAX_TASKS = 1000;

    /** The generation's own columns; {@link #COLUMNS} adds the counts of its variants. */
    static final String ROW_COLUMNS = "g.id, g.project_id, g.type, g.url, g.thumbnail_url, g.object_id, g.params,"
            + " g.metadata, g.task_id, g.tasks, g.name, g.starred, g.based_on, g.parent_generation_id, g.is_child,"
            + " g.child_order, g.pair_shot_generation_id, g.primary_variant_id, g.request_hash, g.created_at, g.updated_at";
    static final String COLUMNS = ROW_COLUMNS + ","
            + " (SELECT count(*) FROM generation_variants cv WHERE cv.generation_id = g.id) AS variant_count,"
            + " (SELECT count(*) FROM generation_variants cv WHERE cv.generation_id = g.id AND cv.viewed_at IS NULL)"
            + " AS unviewed_variant_count";
    static final String OWNED = " FROM generations g JOIN projects p ON p.id = g.project_id WHERE g.id = $1 AND p.user_id = $2";

    /**
     * Inserts only into a project of the caller: no row back means no such project, or (with an
     * idempotency key) that the key was used before in this project. An upload with media ($4, its url)
     * is written with its original variant (primary, already viewed: the user's own upload is not news
     * to them) in the same statement, both rows as they end up, as a task's generation is
     * ({@link #INSERT_WITH_ORIGINAL_FROM_TASK}); a placeholder (no url) has no variant.
     */
    static final String INSERT_UPLOAD_WITH_ORIGINAL = """
            WITH ids AS (SELECT gen_random_uuid() AS generation_id, gen_random_uuid() AS variant_id),
            generation AS (
              INSERT INTO generations AS g (id, project_id, type, url, thumbnail_url, object_id, params, metadata, name,
                                            based_on, parent_generation_id, child_order, pair_shot_generation_id,
                                            idempotency_key, request_hash, primary_variant_id)
              SELECT ids.generation_id, p.id, $3, $4, $5, $6, coalesce($7, '{}'::jsonb), coalesce($8, '{}'::jsonb), $9,
                     $10, $11, $12, $13, $14, $15, CASE WHEN $4::text IS NOT NULL THEN ids.variant_id END
              FROM projects p, ids WHERE p.id = $1 AND p.user_id = $2
              ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
              RETURNING %s
            ), original AS (
              INSERT INTO generation_variants (id, generation_id, project_id, url, thumbnail_url, object_id, params,
                                               variant_type, is_primary, viewed_at)
              SELECT g.primary_variant_id, g.id, g.project_id, g.url, g.thumbnail_url, g.object_id, g.params, '%s',
                     true, now()
              FROM generation g WHERE g.primary_variant_id IS NOT NULL
            )
            SELECT g.*, (g.primary_variant_id IS NOT NULL)::int::bigint AS variant_count,
                   0::bigint AS unviewed_variant_count
            FROM generation g
            """.formatted(ROW_COLUMNS, VariantRow.ORIGINAL);
    /**
     * Exactly one generation per task however often the completion is delivered: the unique index
     * decides (concurrent deliveries wait on it), no row back means it existed already (or the
     * project is gone). The task's params are the generation's params.
     *
     * <p>One statement writes the generation and its original variant (primary, carrying the task id)
     * with their final values: each row once, its indexes once, one realtime event per table. Written
     * as a generation, then a variant, then the variant made primary and the generation made to show
     * it, the same outcome took six statements, two of them rewriting the new rows (a second version
     * of each, every index entered again, the GIN indexes included). The foreign keys between the two
     * rows are checked at the statement's end (the primary variant's at commit), when both exist.
     */
    static final String INSERT_WITH_ORIGINAL_FROM_TASK = """
            WITH ids AS (SELECT gen_random_uuid() AS generation_id, gen_random_uuid() AS variant_id),
            generation AS (
              INSERT INTO generations AS g (id, project_id, task_id, tasks, type, url, thumbnail_url, object_id, params,
                                            based_on, primary_variant_id)
              SELECT ids.generation_id, p.id, $2, ARRAY[$2::uuid], $3, $4, $5, $6, coalesce($7, '{}'::jsonb), $8,
                     ids.variant_id
              FROM projects p, ids WHERE p.id = $1
              ON CONFLICT (task_id) WHERE task_id IS NOT NULL DO NOTHING
              RETURNING %s
            ), original AS (
              INSERT INTO generation_variants (id, generation_id, project_id, url, thumbnail_url, object_id, params,
                                               variant_type, task_id, is_primary)
              SELECT g.primary_variant_id, g.id, g.project_id, g.url, g.thumbnail_url, g.object_id, g.params, '%s',
                     g.task_id, true
              FROM generation g
            )
            SELECT g.*, 1::bigint AS variant_count, 1::bigint AS unviewed_variant_count FROM generation g
            """.formatted(ROW_COLUMNS, VariantRow.ORIGINAL);
    static final String FIND_BY_TASK = "SELECT " + COLUMNS + " FROM generations g WHERE g.task_id = $1";
    static final String FIND_BY_IDEMPOTENCY_KEY = "SELECT " + COLUMNS + " FROM generations g"
            + " WHERE g.project_id = $1 AND g.idempotency_key = $2";
    static final String FIND_OWNED = "SELECT " + COLUMNS + OWNED;
    /**
     * Serialises the changes of one generation's media (primary switches, variants, url patches).
     * The lock only: the row is read by a statement of its own after it, whose snapshot includes what
     * the transaction we may have waited for committed (a locking read's sub-queries would not).
     */
    static final String LOCK_OWNED = "SELECT g.id" + OWNED + " FOR NO KEY UPDATE OF g";
    /** The service's lock for internal calls (acting for the platform): the generation in that project. */
    static final String LOCK_IN_PROJECT = "SELECT g.id FROM generations g WHERE g.id = $1 AND g.project_id = $2"
            + " FOR NO KEY UPDATE OF g";
    static final String FIND_IN_PROJECT = "SELECT " + COLUMNS + " FROM generations g WHERE g.id = $1 AND g.project_id = $2";
    static final String FIND_MANY_OWNED = "SELECT " + COLUMNS + " FROM generations g JOIN projects p ON p.id = g.project_id"
            + " WHERE p.user_id = $1 AND g.id = ANY($2::uuid[]) ORDER BY g.created_at DESC, g.id DESC";
    /** Joined to the list, one hash-index probe per URL (a hash index cannot serve {@code = ANY}). */
    static final String FIND_MANY_OWNED_BY_URL = "SELECT " + COLUMNS + " FROM unnest($2::text[]) AS wanted(url)"
            + " JOIN generations g ON g.url = wanted.url JOIN projects p ON p.id = g.project_id"
            + " WHERE p.user_id = $1 ORDER BY g.created_at DESC, g.id DESC LIMIT $3";
    /** A link of a shot in the project (the pair a segment generation belongs to). */
    static final String SHOT_LINK_IN_PROJECT = "SELECT count(*) FROM shot_generations sg JOIN shots s ON s.id = sg.shot_id"
            + " WHERE sg.id = $1 AND s.project_id = $2";

    /*
     * The project's list, assembled from the filters given (common's Conditions): only their conditions,
     * the keyset only after a first page, the limit written in. Each shape is then one prepared statement
     * whose generic plan serves every call (GenerationService runs it planned once): with a catch-all
     * ($n IS NULL OR …) statement, a nullable cursor and LIMIT $n, PostgreSQL planned the page again on
     * every call, 0.8–0.9 ms against 0.3 ms to run it (a 20k-generation project, pg_stat_statements).
     */
    static final String IN_PROJECT = "g.project_id = $%d";
    static final String OF_TYPE = "g.type = $%d";
    static final String STARRED = "g.starred = $%d";
    static final String IN_SHOT = "EXISTS (SELECT 1 FROM shot_generations sg WHERE sg.generation_id = g.id"
            + " AND sg.shot_id = $%d)";
    static final String UNPOSITIONED_IN_SHOT = "EXISTS (SELECT 1 FROM shot_generations sg"
            + " WHERE sg.generation_id = g.id AND sg.shot_id = $%d AND sg.position IS NULL)";
    static final String OF_TOOL_TYPES = "g.params ->> 'tool_type' = ANY ($%d::text[])";
    static final String PROMPT_LIKE = "reigh_generation_prompt(g.params) ILIKE $%d";
    static final String IS_CHILD = "g.is_child = $%d";
    static final String CHILD_OF = "g.parent_generation_id = $%d";
    static final String BASED_ON = "g.based_on = $%d";
    static final String AT_URL = "g.url = $%d";
    static final String HAS_URL = "g.url IS NOT NULL";
    static final String NO_URL = "g.url IS NULL";
    static final String OF_TASK = "g.tasks @> ARRAY[$%d::uuid]";
    static final String IN_ANY_SHOT = "EXISTS (SELECT 1 FROM shot_generations sa WHERE sa.generation_id = g.id)";
    static final String IN_NO_SHOT = "NOT " + IN_ANY_SHOT;
    static final String HAS_BASED_ON = "g.based_on IS NOT NULL";
    static final String NO_BASED_ON = "g.based_on IS NULL";
    static final String OF_PAIR = "g.pair_shot_generation_id = $%d";
    static final String AT_CHILD_ORDER = "g.child_order = $%d";
    static final String AFTER_NEWEST_FIRST = "(g.created_at, g.id) < ($%d, $%d)";
    static final String AFTER_OLDEST_FIRST = "(g.created_at, g.id) > ($%d, $%d)";
    static final String NEWEST_FIRST = " ORDER BY g.created_at DESC, g.id DESC LIMIT ";
    static final String OLDEST_FIRST = " ORDER BY g.created_at, g.id LIMIT ";

    static final String UPDATE = "UPDATE generations g SET name = $2, starred = $3, metadata = $4, params = $5, url = $6,"
            + " thumbnail_url = $7, based_on = $8, parent_generation_id = $9, child_order = $10,"
            + " pair_shot_generation_id = $11 WHERE g.id = $1 RETURNING " + COLUMNS;
    /** The media of the generation's primary variant (or none: a placeholder again). */
    static final String SHOW = "UPDATE generations g SET url = $2, thumbnail_url = $3, primary_variant_id = $4"
            + " WHERE g.id = $1 RETURNING " + COLUMNS;
    /** Records a producing task once; a full list stays as it is (the variant still records the task). */
    static final String ADD_TASK = "UPDATE generations SET tasks = tasks || $2::uuid"
            + " WHERE id = $1 AND NOT tasks @> ARRAY[$2::uuid] AND cardinality(tasks) < " + MAX_TASKS;

    /**
     * One statement: the generation goes with its segments (children, by cascade, to any depth) and
     * every variant of them, and the storage objects any of them referenced that nothing else refers
     * to are queued for deletion. All parts see the rows as they were before the statement.
     */
    static final String DELETE_QUEUEING_OBJECTS = """
            WITH RECURSIVE doomed AS (
              SELECT g.id FROM generations g JOIN projects p ON p.id = g.project_id WHERE g.id = $1 AND p.user_id = $2
              UNION
              SELECT c.id FROM generations c JOIN doomed d ON c.parent_generation_id = d.id
            ), objects AS (
              SELECT g.object_id FROM generations g JOIN doomed d ON d.id = g.id WHERE g.object_id IS NOT NULL
              UNION
              SELECT v.object_id FROM generation_variants v JOIN doomed d ON d.id = v.generation_id
              WHERE v.object_id IS NOT NULL
            ), gone AS (
              DELETE FROM generations g USING projects p
              WHERE g.id = $1 AND p.id = g.project_id AND p.user_id = $2
              RETURNING g.id
            ), queued AS (
              INSERT INTO storage_deletion_outbox (object_id, reason)
              SELECT o.object_id, $3 FROM objects o WHERE EXISTS (SELECT 1 FROM gone) AND %s
              RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM queued) AS queued"""
            .formatted(StorageDeletionOutboxRepository.unreferencedElsewhere("o.object_id",
                    "og.id NOT IN (SELECT id FROM doomed)", "ov.generation_id NOT IN (SELECT id FROM doomed)", "true",
                    "true"));

    /** The caller's new generation, with its original variant when it has media; null: see the statement. */
    public Uni<GenerationRow> insertUploadWithOriginal(SqlConnection connection, UUID userId, NewGeneration generation) {
        return connection.preparedQuery(INSERT_UPLOAD_WITH_ORIGINAL)
                .execute(Sql.params(generation.projectId(), userId, generation.type(), generation.url(),
                        generation.thumbnailUrl(), generation.objectId(), generation.params(), generation.metadata(),
                        generation.name(), generation.basedOn(), generation.parentGenerationId(),
                        generation.childOrder(), generation.pairShotGenerationId(), generation.idempotencyKey(),
                        generation.requestHash()))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    /** The task's new generation with its original variant, or null: the task has one already, or no project. */
    public Uni<GenerationRow> insertWithOriginalFromTask(SqlConnection connection, UUID projectId, UUID taskId,
            String type, String url, String thumbnailUrl, UUID objectId, JsonNode params, UUID basedOn) {
        return connection.preparedQuery(INSERT_WITH_ORIGINAL_FROM_TASK)
                .execute(Sql.params(projectId, taskId, type, url, thumbnailUrl, objectId, params, basedOn))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<GenerationRow> findByTask(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(FIND_BY_TASK).execute(Sql.params(taskId))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<GenerationRow> findByIdempotencyKey(SqlConnection connection, UUID projectId, String key) {
        return connection.preparedQuery(FIND_BY_IDEMPOTENCY_KEY).execute(Sql.params(projectId, key))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<GenerationRow> findOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(FIND_OWNED).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    /** Locks the caller's generation, then reads it as it is now (null: not theirs, or none). */
    public Uni<GenerationRow> lockOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(LOCK_OWNED).execute(Sql.params(id, userId))
                .chain(locked -> locked.rowCount() == 0 ? Uni.createFrom().<GenerationRow>nullItem()
                        : findOwned(connection, id, userId));
    }

    /** Locks the generation if it is in that project, then reads it as it is now. */
    public Uni<GenerationRow> lockInProject(SqlConnection connection, UUID id, UUID projectId) {
        return connection.preparedQuery(LOCK_IN_PROJECT).execute(Sql.params(id, projectId))
                .chain(locked -> locked.rowCount() == 0 ? Uni.createFrom().<GenerationRow>nullItem()
                        : findInProject(connection, id, projectId));
    }

    public Uni<GenerationRow> findInProject(SqlConnection connection, UUID id, UUID projectId) {
        return connection.preparedQuery(FIND_IN_PROJECT).execute(Sql.params(id, projectId))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<List<GenerationRow>> findManyOwned(SqlConnection connection, UUID userId, UUID[] ids) {
        return connection.preparedQuery(FIND_MANY_OWNED).execute(Sql.params(userId, ids))
                .map(rows -> Rows.map(rows, GenerationRepository::map));
    }

    public Uni<List<GenerationRow>> findManyOwnedByUrl(SqlConnection connection, UUID userId, String[] urls, int limit) {
        return connection.preparedQuery(FIND_MANY_OWNED_BY_URL).execute(Sql.params(userId, urls, limit))
                .map(rows -> Rows.map(rows, GenerationRepository::map));
    }

    public Uni<Boolean> isShotLinkInProject(SqlConnection connection, UUID linkId, UUID projectId) {
        return connection.preparedQuery(SHOT_LINK_IN_PROJECT).execute(Sql.params(linkId, projectId))
                .map(rows -> Sql.firstLong(rows) > 0);
    }

    /**
     * A page of the project's generations, empty when the project is not {@code ownerId}'s: the
     * ownership is one probe made once for the statement (an uncorrelated EXISTS), so the page needs no
     * statement of its own before it and a stranger's project is not walked row by row.
     */
    public Uni<List<GenerationRow>> pageInOwnedProject(SqlConnection connection, UUID projectId, UUID ownerId,
            GenerationFilter filter, PageRequest page) {
        Conditions where = pageConditions(projectId, ownerId, filter, page);
        return connection.preparedQuery(pageSql(where, filter, page)).execute(where.arguments())
                .map(rows -> Rows.map(rows, GenerationRepository::map));
    }

    static Conditions pageConditions(UUID projectId, UUID ownerId, GenerationFilter filter, PageRequest page) {
        Conditions where = filtered(projectId, filter).and(ProjectRepository.OWNED_BY, projectId, ownerId);
        if (page.after() != null) {
            where.and(filter.oldestFirst() ? AFTER_OLDEST_FIRST : AFTER_NEWEST_FIRST,
                    OffsetDateTime.ofInstant(page.afterCreatedAt(), ZoneOffset.UTC), page.afterId());
        }
        return where;
    }

    static String pageSql(Conditions where, GenerationFilter filter, PageRequest page) {
        String order = (filter.oldestFirst() ? OLDEST_FIRST : NEWEST_FIRST) + page.fetchSize();
        return "SELECT " + COLUMNS + " FROM generations g WHERE " + where.sql() + order;
    }

    public Uni<Long> countInProject(SqlConnection connection, UUID projectId, GenerationFilter filter) {
        Conditions where = filtered(projectId, filter);
        return connection.preparedQuery("SELECT count(*) FROM generations g WHERE " + where.sql())
                .execute(where.arguments()).map(Sql::firstLong);
    }

    /** The project's generations that the filter keeps: the conditions of the filters given, in a fixed order. */
    private static Conditions filtered(UUID projectId, GenerationFilter filter) {
        return new Conditions().and(IN_PROJECT, projectId)
                .andGiven(OF_TYPE, filter.type())
                .andGiven(STARRED, filter.starred())
                .andGiven(filter.onlyUnpositionedInShot() ? UNPOSITIONED_IN_SHOT : IN_SHOT, filter.shotId())
                .andGiven(OF_TOOL_TYPES, filter.toolTypes())
                .andGiven(PROMPT_LIKE, filter.promptPattern())
                .andGiven(IS_CHILD, filter.isChild())
                .andGiven(CHILD_OF, filter.parentGenerationId())
                .andGiven(BASED_ON, filter.basedOn())
                .andGiven(AT_URL, filter.url())
                .andEither(filter.hasUrl(), HAS_URL, NO_URL)
                .andGiven(OF_TASK, filter.taskId())
                .andEither(filter.inAnyShot(), IN_ANY_SHOT, IN_NO_SHOT)
                .andEither(filter.hasBasedOn(), HAS_BASED_ON, NO_BASED_ON)
                .andGiven(OF_PAIR, filter.pairShotGenerationId())
                .andGiven(AT_CHILD_ORDER, filter.childOrder());
    }

    public Uni<GenerationRow> update(SqlConnection connection, UUID id, GenerationChange change) {
        return connection.preparedQuery(UPDATE)
                .execute(Sql.params(id, change.name(), change.starred(), change.metadata(), change.params(),
                        change.url(), change.thumbnailUrl(), change.basedOn(), change.parentGenerationId(),
                        change.childOrder(), change.pairShotGenerationId()))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    /** Shows {@code variant}'s media, or none when {@code variant} is null. */
    public Uni<GenerationRow> show(SqlConnection connection, UUID id, VariantRow variant) {
        return connection.preparedQuery(SHOW)
                .execute(Sql.params(id, variant == null ? null : variant.url(),
                        variant == null ? null : variant.thumbnailUrl(), variant == null ? null : variant.id()))
                .map(rows -> Rows.first(rows, GenerationRepository::map));
    }

    public Uni<Integer> addTask(SqlConnection connection, UUID id, UUID taskId) {
        return connection.preparedQuery(ADD_TASK).execute(Sql.params(id, taskId)).map(RowSet::rowCount);
    }

    public Uni<DeletedWithObjects> deleteQueueingObjects(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_QUEUEING_OBJECTS)
                .execute(Sql.params(id, userId, StorageDeletionOutboxRepository.REASON_GENERATION_DELETED))
                .map(DeletedWithObjects::from);
    }

    static GenerationRow map(Row row) {
        UUID[] tasks = row.getArrayOfUUIDs("tasks");
        return new GenerationRow(row.getUUID("id"), row.getUUID("project_id"), row.getString("type"),
                row.getString("url"), row.getString("thumbnail_url"), row.getUUID("object_id"),
                Rows.json(row, "params"), Rows.json(row, "metadata"), row.getUUID("task_id"),
                tasks == null ? List.of() : List.of(tasks), row.getString("name"), row.getBoolean("starred"),
                row.getUUID("based_on"), row.getUUID("parent_generation_id"), row.getBoolean("is_child"),
                row.getInteger("child_order"), row.getUUID("pair_shot_generation_id"),
                row.getUUID("primary_variant_id"), row.getLong("variant_count"), row.getLong("unviewed_variant_count"),
                row.getString("request_hash"), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }

    /** A user's upload (or placeholder), as inserted. */
    public record NewGeneration(UUID projectId, String type, String url, String thumbnailUrl, UUID objectId,
            JsonNode params, JsonNode metadata, String name, UUID basedOn, UUID parentGenerationId, Integer childOrder,
            UUID pairShotGenerationId, String idempotencyKey, String requestHash) {
    }

    /** The full new state of a generation's editable columns (a PATCH applied to the current row). */
    public record GenerationChange(String name, boolean starred, JsonNode metadata, JsonNode params, String url,
            String thumbnailUrl, UUID basedOn, UUID parentGenerationId, Integer childOrder,
            UUID pairShotGenerationId) {
    }
}
