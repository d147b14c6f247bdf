package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import ai.reigh.common.page.PageRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * {@code personal_access_tokens}. The hash column is written once and never selected: nothing read
 * here can leak it. Revocation keeps the row ({@code revoked_at}) so that the list shows it and
 * {@code reigh_authenticate_pat} refuses it from the next call on.
 */
@ApplicationScoped
public class AccessTokenRepository {
    static final String COLUMNS = "id, name, token_prefix, created_at, last_used_at, expires_at, revoked_at";

    static final String INSERT = "INSERT INTO personal_access_tokens (user_id, name, token_hash, token_prefix, expires_at)"
            + " VALUES ($1, $2, $3, $4, $5) RETURNING " + COLUMNS;
    static final String COUNT_LIVE = "SELECT count(*) FROM personal_access_tokens WHERE user_id = $1"
            + " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())";
    static final String PAGE_OWNED = "SELECT " + COLUMNS + " FROM personal_access_tokens WHERE user_id = $1"
            + " AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))"
            + " ORDER BY created_at DESC, id DESC LIMIT $4";
    /** Revoking twice keeps the first time; the row is found either way (an idempotent DELETE). */
    static final String REVOKE = "UPDATE personal_access_tokens SET revoked_at = coalesce(revoked_at, now())"
            + " WHERE id = $1 AND user_id = $2";

    public Uni<AccessTokenRow> insert(SqlConnection connection, UUID userId, String name, String tokenHash,
            String tokenPrefix, Instant expiresAt) {
        return connection.preparedQuery(INSERT).execute(Sql.params(userId, name, tokenHash, tokenPrefix, expiresAt))
                .map(rows -> Rows.first(rows, AccessTokenRepository::map));
    }

    public Uni<Long> countLive(SqlConnection connection, UUID userId) {
        return connection.preparedQuery(COUNT_LIVE).execute(Sql.params(userId)).map(Sql::firstLong);
    }

    public Uni<List<AccessTokenRow>> pageOwned(SqlConnection connection, UUID userId, PageRequest page) {
        return connection.preparedQuery(PAGE_OWNED)
                .execute(Sql.params(userId, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, AccessTokenRepository::map));
    }

    public Uni<Boolean> revoke(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(REVOKE).execute(Sql.params(id, userId)).map(rows -> rows.rowCount() > 0);
    }

    static AccessTokenRow map(Row row) {
        return new AccessTokenRow(row.getUUID("id"), row.getString("name"), row.getString("token_prefix"),
                Rows.instant(row, "created_at"), Rows.instant(row, "last_used_at"), Rows.instant(row, "expires_at"),
                Rows.instant(row, "revoked_at"));
    }
}
