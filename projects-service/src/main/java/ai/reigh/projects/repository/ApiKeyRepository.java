package ai.reigh.projects.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * {@code user_api_keys}: reads select the shown columns only; the ciphertext is read by the
 * re-encryption alone ({@link #lockUnderKeys}).
 */
@ApplicationScoped
public class ApiKeyRepository {
    static final String SHOWN = "service, masked, metadata, created_at, updated_at";

    static final String LIST = "SELECT " + SHOWN + " FROM user_api_keys WHERE user_id = $1 ORDER BY service LIMIT $2";
    static final String FIND = "SELECT " + SHOWN + " FROM user_api_keys WHERE user_id = $1 AND service = $2";
    static final String COUNT_OTHERS = "SELECT count(*) FROM user_api_keys WHERE user_id = $1 AND service <> $2";
    /** Create or replace; {@code created} tells which (xmax is 0 for a row this statement inserted). */
    static final String UPSERT = """
            INSERT INTO user_api_keys (user_id, service, ciphertext, nonce, key_id, masked, metadata)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (user_id, service) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, nonce = EXCLUDED.nonce,
              key_id = EXCLUDED.key_id, masked = EXCLUDED.masked, metadata = EXCLUDED.metadata
            RETURNING\s""" + SHOWN + ", (xmax = 0) AS created";
    static final String DELETE = "DELETE FROM user_api_keys WHERE user_id = $1 AND service = $2";

    /** Rows under one of the given (previous) keys, locked for re-encryption; other replicas skip them. */
    static final String LOCK_UNDER_KEYS = """
            SELECT user_id, service, ciphertext, nonce, key_id FROM user_api_keys
            WHERE key_id = ANY ($1::text[]) LIMIT $2 FOR UPDATE SKIP LOCKED""";
    static final String RESEAL = "UPDATE user_api_keys SET ciphertext = $3, nonce = $4, key_id = $5"
            + " WHERE user_id = $1 AND service = $2 AND key_id = $6";
    /** Rows under a key this server does not have: they cannot be read or re-encrypted here. */
    static final String COUNT_UNDER_OTHER_KEYS = "SELECT count(*) FROM user_api_keys WHERE key_id <> ALL ($1::text[])";

    /** A sealed row as the re-encryption reads it. */
    public record SealedRow(UUID userId, String service, byte[] ciphertext, byte[] nonce, String keyId) {
    }

    /** What an upsert did: the row as shown, and whether it was created. */
    public record Upserted(ApiKeyRow row, boolean created) {
    }

    public Uni<List<ApiKeyRow>> list(SqlConnection connection, UUID userId, int limit) {
        return connection.preparedQuery(LIST).execute(Sql.params(userId, limit))
                .map(rows -> Rows.map(rows, ApiKeyRepository::map));
    }

    public Uni<ApiKeyRow> find(SqlConnection connection, UUID userId, String service) {
        return connection.preparedQuery(FIND).execute(Sql.params(userId, service))
                .map(rows -> Rows.first(rows, ApiKeyRepository::map));
    }

    public Uni<Long> countOthers(SqlConnection connection, UUID userId, String service) {
        return connection.preparedQuery(COUNT_OTHERS).execute(Sql.params(userId, service)).map(Sql::firstLong);
    }

    public Uni<Upserted> upsert(SqlConnection connection, UUID userId, String service, byte[] ciphertext, byte[] nonce,
            String keyId, String masked, JsonNode metadata) {
        return connection.preparedQuery(UPSERT)
                .execute(Sql.params(userId, service, Buffer.buffer(ciphertext), Buffer.buffer(nonce), keyId, masked,
                        metadata))
                .map(rows -> Rows.first(rows, row -> new Upserted(map(row), row.getBoolean("created"))));
    }

    public Uni<Boolean> delete(SqlConnection connection, UUID userId, String service) {
        return connection.preparedQuery(DELETE).execute(Sql.params(userId, service)).map(rows -> rows.rowCount() > 0);
    }

    public Uni<List<SealedRow>> lockUnderKeys(SqlConnection connection, List<String> keyIds, int limit) {
        return connection.preparedQuery(LOCK_UNDER_KEYS).execute(Sql.params(keyIds.toArray(String[]::new), limit))
                .map(rows -> Rows.map(rows, row -> new SealedRow(row.getUUID("user_id"), row.getString("service"),
                        row.getBuffer("ciphertext").getBytes(), row.getBuffer("nonce").getBytes(), row.getString("key_id"))));
    }

    public Uni<Integer> reseal(SqlConnection connection, SealedRow previous, byte[] ciphertext, byte[] nonce,
            String keyId) {
        return connection.preparedQuery(RESEAL)
                .execute(Sql.params(previous.userId(), previous.service(), Buffer.buffer(ciphertext),
                        Buffer.buffer(nonce), keyId, previous.keyId()))
                .map(rows -> rows.rowCount());
    }

    public Uni<Long> countUnderOtherKeys(SqlConnection connection, List<String> knownKeyIds) {
        return connection.preparedQuery(COUNT_UNDER_OTHER_KEYS).execute(Sql.params((Object) knownKeyIds.toArray(String[]::new)))
                .map(Sql::firstLong);
    }

    static ApiKeyRow map(Row row) {
        return new ApiKeyRow(row.getString("service"), row.getString("masked"), Rows.json(row, "metadata"),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }
}
