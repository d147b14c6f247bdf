package ai.reigh.projects.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** {@code shots}: a project's shots in their {@code order} (unique per project, checked at commit). */
@ApplicationScoped
public class ShotRepository {
    static final String COLUMNS = "id, project_id, name, \"order\", settings, created_at";
    static final String OWNED = " FROM shots s JOIN projects p ON p.id = s.project_id WHERE s.id = $1 AND p.user_id = $2";

    /** The caller holds the project's lock, so max + 1 cannot be taken by a concurrent create. */
    static final String INSERT_AT_END = "INSERT INTO shots (project_id, name, \"order\", settings)"
            + " SELECT $1, $2, coalesce(max(\"order\") + 1, 0), coalesce($3, '{}'::jsonb) FROM shots WHERE project_id = $1"
            + " RETURNING " + COLUMNS;
    static final String COUNT_IN_PROJECT = "SELECT count(*) FROM shots WHERE project_id = $1";
    static final String LIST_IN_PROJECT = "SELECT " + COLUMNS + " FROM shots WHERE project_id = $1"
            + " ORDER BY \"order\", id LIMIT $2";
    static final String IDS_IN_PROJECT = "SELECT id FROM shots WHERE project_id = $1";
    static final String FIND_OWNED = "SELECT " + Sql.qualified("s", COLUMNS) + OWNED;
    /** Serialises changes to a shot's links (positions, the append, the per-shot cap). */
    static final String LOCK_OWNED = FIND_OWNED + " FOR NO KEY UPDATE OF s";
    /** The service's lookup for internal calls (acting for the platform): the shot in that project. */
    static final String LOCK_IN_PROJECT = "SELECT " + COLUMNS + " FROM shots WHERE id = $1 AND project_id = $2"
            + " FOR NO KEY UPDATE";
    static final String UPDATE = "UPDATE shots SET name = $2, settings = $3 WHERE id = $1 RETURNING " + COLUMNS;
    static final String DELETE_OWNED = "DELETE FROM shots s USING projects p"
            + " WHERE s.id = $1 AND p.id = s.project_id AND p.user_id = $2";
    /** Position i of the list becomes order i; the unique (project, order) is checked at commit. */
    static final String RENUMBER = "UPDATE shots s SET \"order\" = (v.ordinal - 1)::integer"
            + " FROM unnest($2::uuid[]) WITH ORDINALITY AS v(id, ordinal)"
            + " WHERE s.id = v.id AND s.project_id = $1";

    public Uni<ShotRow> insertAtEnd(SqlConnection connection, UUID projectId, String name, JsonNode settings) {
        return connection.preparedQuery(INSERT_AT_END).execute(Sql.params(projectId, name, settings))
                .map(rows -> Rows.first(rows, ShotRepository::map));
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

    public Uni<ShotRow> update(SqlConnection connection, UUID id, String name, JsonNode settings) {
        return connection.preparedQuery(UPDATE).execute(Sql.params(id, name, settings))
                .map(rows -> Rows.first(rows, ShotRepository::map));
    }

    public Uni<Boolean> deleteOwned(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_OWNED).execute(Sql.params(id, userId)).map(rows -> rows.rowCount() > 0);
    }

    public Uni<Integer> renumber(SqlConnection connection, UUID projectId, UUID[] orderedIds) {
        return connection.preparedQuery(RENUMBER).execute(Sql.params(projectId, orderedIds)).map(rows -> rows.rowCount());
    }

    static ShotRow map(Row row) {
        return new ShotRow(row.getUUID("id"), row.getUUID("project_id"), row.getString("name"),
                row.getInteger("order"), Rows.json(row, "settings"), Rows.instant(row, "created_at"));
    }
}
