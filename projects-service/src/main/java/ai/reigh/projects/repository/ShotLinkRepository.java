package ai.reigh.projects.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * {@code shot_generations}: links between a shot and the generations of its project. Callers hold the
 * shot's row lock; the partial unique index (shot, position) is what makes a taken position a 409.
 */
@ApplicationScoped
public class ShotLinkRepository {
    public static final String UNIQUE_POSITION = "shot_generations_unique_position";
    static final String COLUMNS = "id, shot_id, generation_id, position, created_at";

    static final String INSERT = "INSERT INTO shot_generations (shot_id, generation_id, position) VALUES ($1, $2, $3)"
            + " RETURNING " + COLUMNS;
    /** After the last positioned item (the caller holds the shot's lock, so max + 1 is free). */
    static final String INSERT_AFTER_LAST_POSITION = "INSERT INTO shot_generations (shot_id, generation_id, position)"
            + " SELECT $1, $2, coalesce(max(position) + 1, 0) FROM shot_generations WHERE shot_id = $1"
            + " RETURNING " + COLUMNS;
    static final String COUNT_IN_SHOT = "SELECT count(*) FROM shot_generations WHERE shot_id = $1";
    /** Positioned by position, then unpositioned by creation time (NULLS LAST puts them after). */
    static final String LIST_IN_SHOT = "SELECT " + COLUMNS + " FROM shot_generations WHERE shot_id = $1"
            + " AND ($2::boolean IS NULL OR (position IS NOT NULL) = $2)"
            + " ORDER BY position ASC NULLS LAST, created_at, id LIMIT $3";
    static final String MOVE = "UPDATE shot_generations SET position = $3 WHERE id = $1 AND shot_id = $2"
            + " RETURNING " + COLUMNS;
    static final String DELETE = "DELETE FROM shot_generations WHERE id = $1 AND shot_id = $2";

    public Uni<ShotLinkRow> insert(SqlConnection connection, UUID shotId, UUID generationId, Integer position) {
        return connection.preparedQuery(INSERT).execute(Sql.params(shotId, generationId, position))
                .map(rows -> Rows.first(rows, ShotLinkRepository::map));
    }

    public Uni<ShotLinkRow> insertAfterLastPosition(SqlConnection connection, UUID shotId, UUID generationId) {
        return connection.preparedQuery(INSERT_AFTER_LAST_POSITION).execute(Sql.params(shotId, generationId))
                .map(rows -> Rows.first(rows, ShotLinkRepository::map));
    }

    public Uni<Long> countInShot(SqlConnection connection, UUID shotId) {
        return connection.preparedQuery(COUNT_IN_SHOT).execute(Sql.params(shotId)).map(Sql::firstLong);
    }

    /** {@code positioned} null: all links. */
    public Uni<List<ShotLinkRow>> listInShot(SqlConnection connection, UUID shotId, Boolean positioned, int limit) {
        return connection.preparedQuery(LIST_IN_SHOT).execute(Sql.params(shotId, positioned, limit))
                .map(rows -> Rows.map(rows, ShotLinkRepository::map));
    }

    public Uni<ShotLinkRow> move(SqlConnection connection, UUID id, UUID shotId, Integer position) {
        return connection.preparedQuery(MOVE).execute(Sql.params(id, shotId, position))
                .map(rows -> Rows.first(rows, ShotLinkRepository::map));
    }

    public Uni<Boolean> delete(SqlConnection connection, UUID id, UUID shotId) {
        return connection.preparedQuery(DELETE).execute(Sql.params(id, shotId)).map(rows -> rows.rowCount() > 0);
    }

    static ShotLinkRow map(Row row) {
        return new ShotLinkRow(row.getUUID("id"), row.getUUID("shot_id"), row.getUUID("generation_id"),
                row.getInteger("position"), Rows.instant(row, "created_at"));
    }
}
