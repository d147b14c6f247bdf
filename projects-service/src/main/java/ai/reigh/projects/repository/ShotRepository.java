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

/**
 * {@code shots}: a project's shots in their {@code order} (unique per project, checked at commit), each
 * with the video generation its segments hang from ({@code parent_generation_id}), made with it.
 */
@ApplicationScoped
public class ShotRepository {
    static final String COLUMNS = "id, project_id, name, \"order\", settings, aspect_ratio, parent_generation_id, created_at";
    static final String OWNED = " FROM shots s JOIN projects p ON p.id = s.project_id WHERE s.id = $1 AND p.user_id = $2";

    /**
     * A shot's parent before its first segment: a video without media yet (url NULL: a placeholder),
     * marked the way the web app recognises a travel output (params.orchestrator_details).
     */
    static String parentParams(String shotId) {
        return "jsonb_build_object('tool_type', 'travel-between-images', 'created_from', 'shot_parent_generation',"
                + " 'orchestrator_details', jsonb_build_object('shot_id', " + shotId + "))";
    }

    static final String NEXT_ORDER = "SELECT coalesce(max(\"order\") + 1, 0) FROM shots WHERE project_id = $1";
    /** Makes room at {@code $2}; the unique (project, order) is checked at commit, after the insert. */
    static final String SHIFT_FROM = "UPDATE shots SET \"order\" = \"order\" + 1 WHERE project_id = $1 AND \"order\" >= $2";
    /** The shot and its parent generation in one statement (the caller holds the project's lock). */
    static final String INSERT_WITH_PARENT = """
            WITH new_shot AS (SELECT gen_random_uuid() AS id),
            parent AS (
              INSERT INTO generations (project_id, type, params)
              SELECT $1, 'video', %s FROM new_shot RETURNING id
            )
            INSERT INTO shots (id, project_id, name, "order", settings, aspect_ratio, parent_generation_id)
            SELECT new_shot.id, $1, $2, $3, coalesce($4, '{}'::jsonb), $5, parent.id FROM new_shot, parent
            RETURNING %s""".formatted(parentParams("new_shot.id"), COLUMNS);
    /** A new parent for a shot that lost its own (the caller holds the shot's lock). */
    static final String ADD_PARENT = """
            WITH parent AS (
              INSERT INTO generations (project_id, type, params)
              SELECT s.project_id, 'video', %s FROM shots s WHERE s.id = $1 RETURNING id
            )
            UPDATE shots s SET parent_generation_id = parent.id FROM parent WHERE s.id = $1
            RETURNING parent.id AS parent_id""".formatted(parentParams("s.id"));
    static final String COUNT_IN_PROJECT = "SELECT count(*) FROM shots WHERE project_id = $1";
    static final String LIST_IN_PROJECT = "SELECT " + COLUMNS + " FROM shots WHERE project_id = $1"
            + " ORDER BY \"order\", id LIMIT $2";
    static final String IDS_IN_PROJECT = "SELECT id FROM shots WHERE project_id = $1";
    static final String FIND_OWNED = "SELECT " + Sql.qualified("s", COLUMNS) + OWNED;
    /** Serialises changes to a shot's links (positions, the append, the per-shot cap) and copies of it. */
    static final String LOCK_OWNED = FIND_OWNED + " FOR NO KEY UPDATE OF s";
    /** The service's lookup for internal calls (acting for the platform): the shot in that project. */
    static final String LOCK_IN_PROJECT = "SELECT " + COLUMNS + " FROM shots WHERE id = $1 AND project_id = $2"
            + " FOR NO KEY UPDATE";
    static final String UPDATE = "UPDATE shots SET name = $2, settings = $3, aspect_ratio = $4 WHERE id = $1"
            + " RETURNING " + COLUMNS;
    /**
     * Deletes the shot (its links go by cascade) and its parent generation while that is still a
     * placeholder nobody else uses: no media, no segment, no link from another shot, no other shot's
     * parent. A parent with its video is the user's output and stays in the project.
     */
    static final String DELETE_OWNED = """
            WITH gone AS (
              DELETE FROM shots s USING projects p WHERE s.id = $1 AND p.id = s.project_id AND p.user_id = $2
              RETURNING s.id, s.parent_generation_id
            ), placeholder AS (
              DELETE FROM generations g USING gone
              WHERE g.id = gone.parent_generation_id AND g.url IS NULL
                AND NOT EXISTS (SELECT 1 FROM generations c WHERE c.parent_generation_id = g.id)
                AND NOT EXISTS (SELECT 1 FROM shot_generations sg WHERE sg.generation_id = g.id AND sg.shot_id <> gone.id)
                AND NOT EXISTS (SELECT 1 FROM shots o WHERE o.parent_generation_id = g.id AND o.id <> gone.id)
              RETURNING g.id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM placeholder) AS placeholders""";
    /** Position i of the list becomes order i; the unique (project, order) is checked at commit. */
    static final String RENUMBER = "UPDATE shots s SET \"order\" = (v.ordinal - 1)::integer"
            + " FROM unnest($2::uuid[]) WITH ORDINALITY AS v(id, ordinal)"
            + " WHERE s.id = v.id AND s.project_id = $1";

    /**
     * What makes a top-level video of the project a final video: being a shot's parent, or being a
     * travel output (orchestrator params, or segments under it) linked to a shot.
     */
    static final String TRAVEL_OUTPUT = "(g.params ? 'orchestrator_details'"
            + " OR EXISTS (SELECT 1 FROM generations c WHERE c.parent_generation_id = g.id))";
    static final String FINAL_VIDEO = " g.type = 'video' AND g.parent_generation_id IS NULL";
    /** A shot's final videos: its parent and the travel outputs linked to it ({@code $3}: media only). */
    static final String FINAL_VIDEOS_OF_SHOT = "SELECT " + GenerationRepository.COLUMNS + " FROM generations g"
            + " WHERE g.project_id = $1 AND" + FINAL_VIDEO + " AND (NOT $3::boolean OR g.url IS NOT NULL)"
            + " AND (g.id = (SELECT ps.parent_generation_id FROM shots ps WHERE ps.id = $2)"
            + "   OR (g.id IN (SELECT sg.generation_id FROM shot_generations sg WHERE sg.shot_id = $2) AND " + TRAVEL_OUTPUT + "))"
            + " ORDER BY g.created_at DESC, g.id DESC LIMIT $4";
    /**
     * A project's final videos, each with the shot it is the final video of: the shot it is the parent
     * of, else the first shot it was linked to.
     */
    static final String PROJECT_FINAL_VIDEOS = " FROM generations g CROSS JOIN LATERAL (SELECT coalesce("
            + "   (SELECT ps.id FROM shots ps WHERE ps.parent_generation_id = g.id ORDER BY ps.created_at, ps.id LIMIT 1),"
            + "   (SELECT sg.shot_id FROM shot_generations sg JOIN shots ls ON ls.id = sg.shot_id"
            + "     WHERE sg.generation_id = g.id AND ls.project_id = g.project_id ORDER BY sg.created_at, sg.id LIMIT 1)"
            + " ) AS shot_id) AS final"
            + " WHERE g.project_id = $1 AND" + FINAL_VIDEO + " AND (NOT $2::boolean OR g.url IS NOT NULL)"
            + " AND (EXISTS (SELECT 1 FROM shots ps WHERE ps.parent_generation_id = g.id)"
            + "   OR (final.shot_id IS NOT NULL AND " + TRAVEL_OUTPUT + "))";
    static final String PAGE_PROJECT_FINAL_VIDEOS = "SELECT " + GenerationRepository.COLUMNS
            + ", final.shot_id AS final_of_shot" + PROJECT_FINAL_VIDEOS
            + " AND ($3::timestamptz IS NULL OR (g.created_at, g.id) < ($3, $4))"
            + " ORDER BY g.created_at DESC, g.id DESC LIMIT $5";
    static final String COUNT_PROJECT_FINAL_VIDEOS = "SELECT count(*)" + PROJECT_FINAL_VIDEOS;
    /** Per shot of the project, in the shots' order; final videos counted only with their media. */
    static final String STATISTICS = "SELECT s.id AS shot_id, s.project_id,"
            + " count(sg.id) AS total_generations,"
            + " count(sg.id) FILTER (WHERE sg.position IS NOT NULL) AS positioned_count,"
            + " count(sg.id) FILTER (WHERE sg.position IS NULL AND g.type <> 'video') AS unpositioned_count,"
            + " count(sg.id) FILTER (WHERE g.type = 'video') AS video_count,"
            + " count(DISTINCT g.id) FILTER (WHERE" + FINAL_VIDEO + " AND g.url IS NOT NULL AND " + TRAVEL_OUTPUT
            + "   AND g.id IS DISTINCT FROM s.parent_generation_id)"
            + " + (SELECT count(*) FROM generations pg WHERE pg.id = s.parent_generation_id AND pg.url IS NOT NULL"
            + "   AND pg.type = 'video' AND pg.parent_generation_id IS NULL) AS final_video_count"
            + " FROM shots s LEFT JOIN shot_generations sg ON sg.shot_id = s.id"
            + " LEFT JOIN generations g ON g.id = sg.generation_id"
            + " WHERE s.project_id = $1 GROUP BY s.id ORDER BY s.\"order\", s.id LIMIT $2";

    public Uni<Integer> nextOrder(SqlConnection connection, UUID projectId) {
        return connection.preparedQuery(NEXT_ORDER).execute(Sql.params(projectId)).map(rows -> (int) Sql.firstLong(rows));
    }

    public Uni<Integer> shiftFrom(SqlConnection connection, UUID projectId, int order) {
        return connection.preparedQuery(SHIFT_FROM).execute(Sql.params(projectId, order)).map(rows -> rows.rowCount());
    }

    public Uni<ShotRow> insertWithParent(SqlConnection connection, UUID projectId, String name, int order,
            JsonNode settings, String aspectRatio) {
        return connection.preparedQuery(INSERT_WITH_PARENT)
                .execute(Sql.params(projectId, name, order, settings, aspectRatio))
                .map(rows -> Rows.first(rows, ShotRepository::map));
    }

    /** The id of the shot's new parent generation. */
    public Uni<UUID> addParent(SqlConnection connection, UUID shotId) {
        return connection.preparedQuery(ADD_PARENT).execute(Sql.params(shotId))
                .map(rows -> Rows.first(rows, row -> row.getUUID("parent_id")));
    }

    public Uni<Long> countInProject(SqlConnection connection, UUID projectId) {
        return connection.preparedQuery(COUNT_IN_PROJECT).execute(Sql.params(projectId)).map(Sql::firstLong);
    }

    public Uni<List<ShotRow>> listInProject(SqlConnection connection, UUID projectId, int limit) {
        return connection.preparedQuery(LIST_IN_PROJECT).execute(Sql.params(projectId, limit))
                .map(rows -> Rows.map(rows, ShotRepository::map));
    }

    public Uni<List<UUID>> idsInProject(SqlConnection connection, UUID projectId) {
        return connection.preparedQuery(IDS_IN_PROJECT).execute(Sql.params(projectId))
                .map(rows -> Rows.map(rows, row -> row.getUUID("id")));
    }

    public Uni<ShotRow> findOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(FIND_OWNED).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, ShotRepository::map));
    }

    public Uni<ShotRow> lockOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(LOCK_OWNED).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, ShotRepository::map));
    }

    public Uni<ShotRow> lockInProject(SqlConnection connection, UUID id, UUID projectId) {
        return connection.preparedQuery(LOCK_IN_PROJECT).execute(Sql.params(id, projectId))
                .map(rows -> Rows.first(rows, ShotRepository::map));
    }

    public Uni<ShotRow> update(SqlConnection connection, UUID id, String name, JsonNode settings, String aspectRatio) {
        return connection.preparedQuery(UPDATE).execute(Sql.params(id, name, settings, aspectRatio))
                .map(rows -> Rows.first(rows, ShotRepository::map));
    }

    public Uni<Boolean> deleteOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_OWNED).execute(Sql.params(id, userId))
                .map(rows -> rows.iterator().next().getLong("deleted") > 0);
    }

    public Uni<Integer> renumber(SqlConnection connection, UUID projectId, UUID[] orderedIds) {
        return connection.preparedQuery(RENUMBER).execute(Sql.params(projectId, orderedIds)).map(rows -> rows.rowCount());
    }

    public Uni<List<GenerationRow>> finalVideosOfShot(SqlConnection connection, UUID projectId, UUID shotId,
            boolean withMedia, int limit) {
        return connection.preparedQuery(FINAL_VIDEOS_OF_SHOT).execute(Sql.params(projectId, shotId, withMedia, limit))
                .map(rows -> Rows.map(rows, GenerationRepository::map));
    }

    public Uni<List<FinalVideoRow>> pageFinalVideos(SqlConnection connection, UUID projectId, boolean withMedia,
            PageRequest page) {
        return connection.preparedQuery(PAGE_PROJECT_FINAL_VIDEOS)
                .execute(Sql.params(projectId, withMedia, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, row -> new FinalVideoRow(row.getUUID("final_of_shot"),
                        GenerationRepository.map(row))));
    }

    public Uni<Long> countFinalVideos(SqlConnection connection, UUID projectId, boolean withMedia) {
        return connection.preparedQuery(COUNT_PROJECT_FINAL_VIDEOS).execute(Sql.params(projectId, withMedia))
                .map(Sql::firstLong);
    }

    public Uni<List<ShotStatisticsRow>> statistics(SqlConnection connection, UUID projectId, int limit) {
        return connection.preparedQuery(STATISTICS).execute(Sql.params(projectId, limit))
                .map(rows -> Rows.map(rows, row -> new ShotStatisticsRow(row.getUUID("shot_id"), row.getUUID("project_id"),
                        row.getLong("total_generations"), row.getLong("positioned_count"),
                        row.getLong("unpositioned_count"), row.getLong("video_count"), row.getLong("final_video_count"))));
    }

    static ShotRow map(Row row) {
        return new ShotRow(row.getUUID("id"), row.getUUID("project_id"), row.getString("name"),
                row.getInteger("order"), Rows.json(row, "settings"), row.getString("aspect_ratio"),
                row.getUUID("parent_generation_id"), Rows.instant(row, "created_at"));
    }
}
