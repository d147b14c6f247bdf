package ai.reigh.projects.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class UserRepository {
    private static final String COLUMNS = "id, email, name, settings, total_credits, created_at";

    public Uni<UserRow> find(SqlConnection connection, UUID id) {
        return connection.preparedQuery("SELECT " + COLUMNS + " FROM users WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> Rows.first(rows, UserRepository::map));
    }

    /** Creates the row of a first-time caller; a concurrent first call simply finds it created. */
    public Uni<UserRow> insertIfMissing(SqlConnection connection, UUID id, String email) {
        return connection.preparedQuery("INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.of(id, email)).chain(() -> find(connection, id));
    }

    /** Makes sure the caller's row exists before a row that refers to it is written. */
    public Uni<Void> ensure(SqlConnection connection, UUID id, String email) {
        return connection.preparedQuery("INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.of(id, email)).replaceWithVoid();
    }

    public Uni<UserRow> update(SqlConnection connection, UUID id, String name, JsonNode settings) {
        return connection.preparedQuery("UPDATE users SET name = coalesce($2, name), settings = $3 WHERE id = $1 RETURNING "
                + COLUMNS).execute(Tuple.of(id, name, Rows.jsonb(settings)))
                .map(rows -> Rows.first(rows, UserRepository::map));
    }

    static UserRow map(Row row) {
        return new UserRow(row.getUUID("id"), row.getString("email"), row.getString("name"),
                Rows.json(row, "settings"), row.getBigDecimal("total_credits"), Rows.instant(row, "created_at"));
    }
}
