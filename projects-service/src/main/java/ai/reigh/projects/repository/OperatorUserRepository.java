package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Users as an operator finds them: by id, or by the start of their email or username (any case;
 * indexes of V2_17), in email order, keyset-paged on (lower(email), id).
 */
@ApplicationScoped
public class OperatorUserRepository {
    static final String COLUMNS = "id, email, username, created_at, coalesce(lower(email), '') AS sort_key";

    static final String BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = $1";

    static final String BY_PREFIX = """
            SELECT %s FROM users
            WHERE (lower(email) LIKE $1 ESCAPE '\\' OR lower(username) LIKE $1 ESCAPE '\\')
              AND ($2::text IS NULL OR (coalesce(lower(email), ''), id) > ($2, $3))
            ORDER BY coalesce(lower(email), ''), id LIMIT $4
            """.formatted(COLUMNS);

    public record FoundUser(UUID id, String email, String username, Instant createdAt, String sortKey) {
    }

    public Uni<List<FoundUser>> byId(SqlConnection connection, UUID id) {
        return connection.preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> Rows.map(rows, OperatorUserRepository::map));
    }

    /** {@code pattern}: a LIKE pattern (lower case, its own wildcards escaped, ending in %). */
    public Uni<List<FoundUser>> byPrefix(SqlConnection connection, String pattern, String afterSortKey, UUID afterId,
            int fetchSize) {
        return connection.preparedQuery(BY_PREFIX).execute(Tuple.of(pattern, afterSortKey, afterId, fetchSize))
                .map(rows -> Rows.map(rows, OperatorUserRepository::map));
    }

    private static FoundUser map(io.vertx.mutiny.sqlclient.Row row) {
        return new FoundUser(row.getUUID("id"), row.getString("email"), row.getString("username"),
                Rows.instant(row, "created_at"), row.getString("sort_key"));
    }
}
