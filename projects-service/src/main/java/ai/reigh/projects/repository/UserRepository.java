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
    static final String COLUMNS = "id, email, name, username, avatar_url, onboarding_completed, settings, total_credits,"
            + " created_at";
    static final String FIND = "SELECT " + COLUMNS + " FROM users WHERE id = $1";
    /**
     * The row locked for a read-modify-write of its settings (a merge patch, a key replaced): writers
     * of one user's settings run one after the other, so none computes from a stale document.
     */
    static final String LOCK = FIND + " FOR NO KEY UPDATE";
    static final String INSERT_IF_MISSING = "INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";
    static final String UPDATE = "UPDATE users SET name = $2, username = $3, avatar_url = $4, onboarding_completed = $5,"
            + " settings = $6 WHERE id = $1 RETURNING " + COLUMNS;
    /** Unique whatever the case ({@code users_username_unique} on lower(username)). */
    public static final String USERNAME_UNIQUE = "users_username_unique";

    public Uni<UserRow> find(SqlConnection connection, UUID id) {
        return connection.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> Rows.first(rows, UserRepository::map));
    }

    /** Creates the row of a first-time caller; a concurrent first call simply finds it created. */
    public Uni<UserRow> insertIfMissing(SqlConnection connection, UUID id, String email) {
        return ensure(connection, id, email).chain(() -> find(connection, id));
    }

    /** The caller's row (created first if missing), locked until the transaction ends. */
    public Uni<UserRow> lockCreatingIfMissing(SqlConnection connection, UUID id, String email) {
        return ensure(connection, id, email).chain(() -> connection.preparedQuery(LOCK).execute(Tuple.of(id)))
                .map(rows -> Rows.first(rows, UserRepository::map));
    }

    /** Makes sure the caller's row exists before a row that refers to it is written. */
    public Uni<Void> ensure(SqlConnection connection, UUID id, String email) {
        return connection.preparedQuery(INSERT_IF_MISSING).execute(Tuple.of(id, email)).replaceWithVoid();
    }

    /** Writes every editable column (the caller computed them from the locked row). */
    public Uni<UserRow> update(SqlConnection connection, UserRow row) {
        return connection.preparedQuery(UPDATE).execute(Sql.params(row.id(), row.name(), row.username(),
                row.avatarUrl(), row.onboardingCompleted(), row.settings()))
                .map(rows -> Rows.first(rows, UserRepository::map));
    }

    static UserRow map(Row row) {
        return new UserRow(row.getUUID("id"), row.getString("email"), row.getString("name"), row.getString("username"),
                row.getString("avatar_url"), Boolean.TRUE.equals(row.getBoolean("onboarding_completed")),
                Rows.json(row, "settings"), row.getBigDecimal("total_credits"), Rows.instant(row, "created_at"));
    }
}
