package ai.reigh.storage.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** What is stored, counted for operators: per bucket, and per user (biggest first) against the quota. */
@ApplicationScoped
public class StorageUsageRepository {
    /** One pass over the table (operators only, on demand). */
    static final String PER_BUCKET = """
            SELECT bucket, count(*) FILTER (WHERE status = 'ready') AS objects,
                   coalesce(sum(size_bytes) FILTER (WHERE status = 'ready'), 0)::bigint AS bytes,
                   count(*) FILTER (WHERE status = 'pending') AS pending
            FROM storage_objects GROUP BY bucket
            """;

    /**
     * Users by bytes of ready objects, biggest first, keyset-paged on (bytes DESC, owner); served by the
     * index of ready objects per owner with their sizes (storage_objects_owner_ready, index-only).
     */
    static final String PER_USER = """
            SELECT owner_id, count(*) AS objects, sum(size_bytes)::bigint AS bytes
            FROM storage_objects WHERE status = 'ready'
            GROUP BY owner_id
            HAVING $1::bigint IS NULL OR sum(size_bytes) < $1 OR (sum(size_bytes) = $1 AND owner_id > $2)
            ORDER BY sum(size_bytes) DESC, owner_id LIMIT $3
            """;

    static final String OF_USER = """
            SELECT count(*) AS objects, coalesce(sum(size_bytes), 0)::bigint AS bytes
            FROM storage_objects WHERE owner_id = $1 AND status = 'ready'
            """;

    public record BucketUsage(String bucket, long objects, long bytes, long pending) {
    }

    public record UserUsage(UUID userId, long objects, long bytes) {
    }

    public Uni<List<BucketUsage>> perBucket(SqlConnection connection) {
        return connection.preparedQuery(PER_BUCKET).execute().map(rows -> Rows.map(rows, row -> new BucketUsage(
                row.getString("bucket"), row.getLong("objects"), row.getLong("bytes"), row.getLong("pending"))));
    }

    public Uni<List<UserUsage>> perUser(SqlConnection connection, Long afterBytes, UUID afterUser, int fetchSize) {
        return connection.preparedQuery(PER_USER).execute(Tuple.of(afterBytes, afterUser, fetchSize)).map(rows -> Rows.map(rows,
                row -> new UserUsage(row.getUUID("owner_id"), row.getLong("objects"), row.getLong("bytes"))));
    }

    public Uni<UserUsage> ofUser(SqlConnection connection, UUID userId) {
        return connection.preparedQuery(OF_USER).execute(Tuple.of(userId)).map(rows -> {
            var row = rows.iterator().next();
            return new UserUsage(userId, row.getLong("objects"), row.getLong("bytes"));
        });
    }
}
