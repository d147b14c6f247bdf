package ai.reigh.projects.repository;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Rows;
import ai.reigh.common.page.PageRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * {@code shot_generations}: links between a shot and the generations of its project, placed on the
 * shot's timeline by frame ({@code position}). Writers hold the shot's row lock; the unique
 * (shot, position) constraint is checked at the end of each statement, so one statement may swap or
 * shift frames, and a frame two links would share is refused (a 409 for the service).
 */
@ApplicationScoped
public class ShotLinkRepository {
    public static final String UNIQUE_POSITION = "shot_generations_unique_position";
    /** Frames between two neighbours when nobody says otherwise (the web app's default spacing). */
    public static final int FRAME_SPACING = 50;
    /** Positions are frames; this keeps them far from overflow whatever the arithmetic on them. */
    public static final int MAX_POSITION = 1_000_000;

    static final String COLUMNS = "id, shot_id, generation_id, position, metadata, created_at, updated_at";

    static final String INSERT = "INSERT INTO shot_generations (shot_id, generation_id, position, metadata)"
            + " VALUES ($1, $2, $3, coalesce($4, '{}'::jsonb)) RETURNING " + COLUMNS;
    /**
     * After the last frame (the caller holds the shot's lock, so the frame is free); unpositioned when
     * that frame would pass the bound, rather than refusing the link.
     */
    static final String INSERT_AFTER_LAST_POSITION = "INSERT INTO shot_generations (shot_id, generation_id, position)"
            + " SELECT $1, $2, CASE WHEN next <= $4 THEN next END"
            + " FROM (SELECT coalesce(max(position) + $3, 0) AS next FROM shot_generations WHERE shot_id = $1) AS last"
            + " RETURNING " + COLUMNS;
    /** The generations in their order from frame {@code $3}, {@code $4} apart. */
    static final String APPEND = "INSERT INTO shot_generations (shot_id, generation_id, position, metadata)"
            + " SELECT $1, g.id, $3 + (g.ordinal - 1)::integer * $4, coalesce($5, '{}'::jsonb)"
            + " FROM unnest($2::uuid[]) WITH ORDINALITY AS g(id, ordinal) ORDER BY g.ordinal RETURNING " + COLUMNS;
    static final String LAST_POSITION = "SELECT max(position) AS last FROM shot_generations WHERE shot_id = $1";
    static final String COUNT_IN_SHOT = "SELECT count(*) FROM shot_generations WHERE shot_id = $1";
    /** Positioned by position, then unpositioned by creation time (NULLS LAST puts them after). */
    static final String LIST_IN_SHOT = "SELECT " + COLUMNS + " FROM shot_generations WHERE shot_id = $1"
            + " AND ($2::boolean IS NULL OR (position IS NOT NULL) = $2)"
            + " ORDER BY position ASC NULLS LAST, created_at, id LIMIT $3";
    static final String FIND_IN_SHOT = "SELECT " + COLUMNS + " FROM shot_generations WHERE id = $1 AND shot_id = $2";
    static final String UPDATE = "UPDATE shot_generations SET position = $3, metadata = $4 WHERE id = $1 AND shot_id = $2"
            + " RETURNING " + COLUMNS;
    /**
     * Every change of one timeline operation in one statement ({@code $2}: a JSON array of {id,
     * position, metadata?}; metadata absent keeps it): the unique constraint sees only the end state.
     * Rows whose values do not change are not written, so they publish no event.
     */
    static final String APPLY = "UPDATE shot_generations sg SET position = v.position,"
            + " metadata = coalesce(v.metadata, sg.metadata)"
            + " FROM jsonb_to_recordset($2::jsonb) AS v(id uuid, position integer, metadata jsonb)"
            + " WHERE sg.id = v.id AND sg.shot_id = $1"
            + " AND (sg.position IS DISTINCT FROM v.position OR (v.metadata IS NOT NULL AND v.metadata <> sg.metadata))";
    static final String DELETE = "DELETE FROM shot_generations WHERE id = $1 AND shot_id = $2";
    static final String DELETE_MANY = "DELETE FROM shot_generations WHERE shot_id = $1 AND id = ANY($2::uuid[])";
    /**
     * A copy of a shot's timeline into another shot, images only (a shot's video outputs are its own).
     * Creation times are kept: they order the unpositioned links, which the copy keeps in order too.
     */
    static final String COPY = "INSERT INTO shot_generations (shot_id, generation_id, position, metadata, created_at)"
            + " SELECT $2, sg.generation_id, sg.position, sg.metadata, sg.created_at FROM shot_generations sg"
            + " JOIN generations g ON g.id = sg.generation_id WHERE sg.shot_id = $1 AND g.type <> 'video'";
    /** The project of each of these generations that the user owns (missing ids: not found). */
    static final String PROJECTS_OF_GENERATIONS = "SELECT g.id, g.project_id FROM generations g"
            + " JOIN projects p ON p.id = g.project_id WHERE g.id = ANY($1::uuid[]) AND p.user_id = $2";
    /** The generations a list embeds, read as the generations API reads them. */
    static final String GENERATIONS_IN_PROJECT = "SELECT " + GenerationRepository.COLUMNS + " FROM generations g"
            + " WHERE g.project_id = $1 AND g.id = ANY($2::uuid[])";
    static final String FILTERS = " FROM shot_generations sg JOIN shots s ON s.id = sg.shot_id WHERE s.project_id = $1"
            + " AND ($2::uuid[] IS NULL OR sg.shot_id = ANY($2::uuid[]))"
            + " AND ($3::uuid[] IS NULL OR sg.generation_id = ANY($3::uuid[]))"
            + " AND ($4::boolean IS NULL OR (sg.position IS NOT NULL) = $4)";
    static final String PAGE_IN_PROJECT = "SELECT " + Sql.qualified("sg", COLUMNS) + FILTERS
            + " AND ($5::timestamptz IS NULL OR (sg.created_at, sg.id) < ($5, $6))"
            + " ORDER BY sg.created_at DESC, sg.id DESC LIMIT $7";
    static final String COUNT_IN_PROJECT = "SELECT count(*)" + FILTERS;

    /**
     * The deployed fleet's enhanced pair prompts: prompt i (1-based) into {@code metadata.enhanced_prompt}
     * of the shot's i-th positioned image link, in timeline order (frame, then id); empty prompts are
     * skipped. One statement; the caller holds the shot's lock.
     */
    static final String WRITE_PAIR_PROMPTS = """
            WITH eligible AS (
              SELECT sg.id, row_number() OVER (ORDER BY sg.position, sg.id) AS ordinal
              FROM shot_generations sg JOIN generations g ON g.id = sg.generation_id
              WHERE sg.shot_id = $1 AND sg.position IS NOT NULL AND g.type = 'image' AND g.url IS NOT NULL
            ), prompts AS (
              SELECT prompt, ordinal FROM unnest($2::text[]) WITH ORDINALITY AS p(prompt, ordinal)
            ), updated AS (
              UPDATE shot_generations sg
              SET metadata = coalesce(sg.metadata, '{}'::jsonb) || jsonb_build_object('enhanced_prompt', p.prompt)
              FROM eligible e JOIN prompts p ON p.ordinal = e.ordinal
              WHERE sg.id = e.id AND p.prompt <> ''
              RETURNING sg.id
            )
            SELECT (SELECT count(*) FROM eligible) AS eligible, (SELECT count(*) FROM updated) AS updated
            """;

    /** How many positioned image links there were, and how many got a prompt. */
    public record PairPrompts(long eligible, long updated) {
    }

    public Uni<PairPrompts> writePairPrompts(SqlConnection connection, UUID shotId, List<String> prompts) {
        return connection.preparedQuery(WRITE_PAIR_PROMPTS)
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(shotId, prompts.toArray(String[]::new)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new PairPrompts(row.getLong("eligible"), row.getLong("updated"));
                });
    }

    public Uni<ShotLinkRow> insert(SqlConnection connection, UUID shotId, UUID generationId, Integer position) {
        return insert(connection, shotId, generationId, position, null);
    }

    public Uni<ShotLinkRow> insert(SqlConnection connection, UUID shotId, UUID generationId, Integer position,
            JsonNode metadata) {
        return connection.preparedQuery(INSERT).execute(Sql.params(shotId, generationId, position, metadata))
                .map(rows -> Rows.first(rows, ShotLinkRepository::map));
    }

    public Uni<ShotLinkRow> insertAfterLastPosition(SqlConnection connection, UUID shotId, UUID generationId) {
        return connection.preparedQuery(INSERT_AFTER_LAST_POSITION)
                .execute(Sql.params(shotId, generationId, FRAME_SPACING, MAX_POSITION))
                .map(rows -> Rows.first(rows, ShotLinkRepository::map));
    }

    /** The new links, in the order of {@code generationIds}. */
    public Uni<List<ShotLinkRow>> append(SqlConnection connection, UUID shotId, UUID[] generationIds, int firstPosition,
            int spacing, JsonNode metadata) {
        return connection.preparedQuery(APPEND)
                .execute(Sql.params(shotId, generationIds, firstPosition, spacing, metadata))
                .map(rows -> Rows.map(rows, ShotLinkRepository::map).stream()
                        .sorted(Comparator.comparing(ShotLinkRow::position)).toList());
    }

    /** The last frame of the shot's timeline, null when nothing is on it. */
    public Uni<Integer> lastPosition(SqlConnection connection, UUID shotId) {
        return connection.preparedQuery(LAST_POSITION).execute(Sql.params(shotId))
                .map(rows -> rows.iterator().next().getInteger("last"));
    }

    public Uni<Long> countInShot(SqlConnection connection, UUID shotId) {
        return connection.preparedQuery(COUNT_IN_SHOT).execute(Sql.params(shotId)).map(Sql::firstLong);
    }

    /** {@code positioned} null: all links. */
    public Uni<List<ShotLinkRow>> listInShot(SqlConnection connection, UUID shotId, Boolean positioned, int limit) {
        return connection.preparedQuery(LIST_IN_SHOT).execute(Sql.params(shotId, positioned, limit))
                .map(rows -> Rows.map(rows, ShotLinkRepository::map));
    }

    public Uni<ShotLinkRow> findInShot(SqlConnection connection, UUID id, UUID shotId) {
        return connection.preparedQuery(FIND_IN_SHOT).execute(Sql.params(id, shotId))
                .map(rows -> Rows.first(rows, ShotLinkRepository::map));
    }

    public Uni<ShotLinkRow> update(SqlConnection connection, UUID id, UUID shotId, Integer position, JsonNode metadata) {
        return connection.preparedQuery(UPDATE).execute(Sql.params(id, shotId, position, metadata))
                .map(rows -> Rows.first(rows, ShotLinkRepository::map));
    }

    /** {@code changes}: a JSON array of {id, position, metadata?}; the number of links changed. */
    public Uni<Integer> apply(SqlConnection connection, UUID shotId, JsonNode changes) {
        return connection.preparedQuery(APPLY).execute(Sql.params(shotId, changes)).map(rows -> rows.rowCount());
    }

    public Uni<Boolean> delete(SqlConnection connection, UUID id, UUID shotId) {
        return connection.preparedQuery(DELETE).execute(Sql.params(id, shotId)).map(rows -> rows.rowCount() > 0);
    }

    public Uni<Integer> deleteMany(SqlConnection connection, UUID shotId, UUID[] ids) {
        return connection.preparedQuery(DELETE_MANY).execute(Sql.params(shotId, ids)).map(rows -> rows.rowCount());
    }

    public Uni<Integer> copy(SqlConnection connection, UUID fromShotId, UUID toShotId) {
        return connection.preparedQuery(COPY).execute(Sql.params(fromShotId, toShotId)).map(rows -> rows.rowCount());
    }

    /** Generation id → its project, for the ids the user owns. */
    public Uni<Map<UUID, UUID>> projectsOfGenerations(SqlConnection connection, UUID[] generationIds,
            UUID userId) {
        return connection.preparedQuery(PROJECTS_OF_GENERATIONS).execute(Sql.params(generationIds, userId))
                .map(rows -> {
                    Map<UUID, UUID> projects = new HashMap<>();
                    rows.forEach(row -> projects.put(row.getUUID("id"), row.getUUID("project_id")));
                    return projects;
                });
    }

    public Uni<List<GenerationRow>> generationsInProject(SqlConnection connection, UUID projectId, UUID[] ids) {
        return connection.preparedQuery(GENERATIONS_IN_PROJECT).execute(Sql.params(projectId, ids))
                .map(rows -> Rows.map(rows, GenerationRepository::map));
    }

    public Uni<List<ShotLinkRow>> pageInProject(SqlConnection connection, UUID projectId, LinkFilter filter,
            PageRequest page) {
        return connection.preparedQuery(PAGE_IN_PROJECT)
                .execute(Sql.params(projectId, filter.shotIds(), filter.generationIds(), filter.positioned(),
                        page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, ShotLinkRepository::map));
    }

    public Uni<Long> countInProject(SqlConnection connection, UUID projectId, LinkFilter filter) {
        return connection.preparedQuery(COUNT_IN_PROJECT)
                .execute(Sql.params(projectId, filter.shotIds(), filter.generationIds(), filter.positioned()))
                .map(Sql::firstLong);
    }

    static ShotLinkRow map(Row row) {
        return new ShotLinkRow(row.getUUID("id"), row.getUUID("shot_id"), row.getUUID("generation_id"),
                row.getInteger("position"), Rows.json(row, "metadata"), Rows.instant(row, "created_at"),
                Rows.instant(row, "updated_at"));
    }
}
