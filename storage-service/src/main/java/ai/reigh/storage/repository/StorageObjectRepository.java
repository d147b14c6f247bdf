package ai.reigh.storage.repository;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import ai.reigh.common.page.PageRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code storage_objects}. State changes are single guarded statements
 * ({@code UPDATE … WHERE status = <expected> RETURNING}), so that two requests racing on one object
 * cannot both move it.
 */
@ApplicationScoped
public class StorageObjectRepository {
    private static final String COLUMNS = "id, owner_id, bucket, key, kind, content_type, size_bytes, status, filename,"
            + " task_id, expires_at, created_at, confirmed_at, delete_attempts";

    static final String INSERT_PENDING = "INSERT INTO storage_objects (id, owner_id, bucket, key, kind, content_type,"
            + " size_bytes, filename, task_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING "
            + COLUMNS;
    static final String FIND = "SELECT " + COLUMNS + " FROM storage_objects WHERE id = $1";
    /**
     * The row, locked until the transaction ends: a confirmation holds it while it copies the staging object
     * to the final key, so that two confirmations of one object (or a confirmation and a delete) take turns.
     */
    static final String LOCK = "SELECT " + COLUMNS + " FROM storage_objects WHERE id = $1 FOR UPDATE";
    /** The rows of a batch of ids (the staging sweep asks which staging objects still belong to an upload). */
    static final String FIND_ALL = "SELECT " + COLUMNS + " FROM storage_objects WHERE id = ANY($1)";
    static final String FIND_OWNED = "SELECT " + COLUMNS + " FROM storage_objects"
            + " WHERE id = $1 AND owner_id = $2 AND status <> 'deleting'";
    static final String LIST_OWNED = "SELECT " + COLUMNS + " FROM storage_objects"
            + " WHERE owner_id = $1 AND status <> 'deleting' AND ($2::text IS NULL OR bucket = $2)"
            + " AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))"
            + " ORDER BY created_at DESC, id DESC LIMIT $5";
    /** An object of a bucket by its key, unless it is being deleted (task outputs named by the fleet's storage_path). */
    static final String FIND_BY_KEY = "SELECT " + COLUMNS + " FROM storage_objects"
            + " WHERE bucket = $1 AND key = $2 AND status <> 'deleting'";
    static final String FIND_SERVABLE = "SELECT " + COLUMNS + " FROM storage_objects"
            + " WHERE bucket = $1 AND key = $2 AND status = 'ready'";
    /** Serialises the quota checks of one owner: two confirms cannot both pass a sum of quota - 1. */
    static final String LOCK_QUOTA = "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS locked";
    static final String READY_BYTES = "SELECT coalesce(sum(size_bytes), 0)::bigint AS used FROM storage_objects"
            + " WHERE owner_id = $1 AND status = 'ready'";
    /** Pending → ready, only before its expiry (after it, the cleaner owns the row). */
    static final String MARK_READY = "UPDATE storage_objects SET status = 'ready', size_bytes = $2, confirmed_at = now(),"
            + " expires_at = NULL WHERE id = $1 AND status = 'pending' AND expires_at > now() RETURNING " + COLUMNS;
    static final String MARK_DELETING = "UPDATE storage_objects SET status = 'deleting', expires_at = NULL,"
            + " next_delete_at = $2, delete_attempts = 0 WHERE id = ANY($1) AND status <> 'deleting' RETURNING " + COLUMNS;
    static final String MARK_DELETING_OWNED = "UPDATE storage_objects SET status = 'deleting', expires_at = NULL,"
            + " next_delete_at = $3, delete_attempts = 0 WHERE id = $1 AND owner_id = $2 AND status <> 'deleting'"
            + " RETURNING " + COLUMNS;
    /** Expired pending uploads become deletions (rows and any partial bytes go the same way as a delete). */
    static final String EXPIRE_PENDING = "UPDATE storage_objects SET status = 'deleting', expires_at = NULL,"
            + " next_delete_at = $2, delete_attempts = 0 WHERE id IN (SELECT id FROM storage_objects"
            + " WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
            + " RETURNING " + COLUMNS;
    /**
     * Due deletions, each pushed back by {@code $2} while this run works on it, so that another replica's
     * run does not pick it at the same time.
     */
    static final String CLAIM_DUE_DELETIONS = "UPDATE storage_objects SET next_delete_at = $2 WHERE id IN ("
            + "SELECT id FROM storage_objects WHERE status = 'deleting' AND next_delete_at <= $1"
            + " ORDER BY next_delete_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS;
    static final String DELETE_ROW = "DELETE FROM storage_objects WHERE id = $1 AND status = 'deleting'";
    static final String DELETION_FAILED = "UPDATE storage_objects SET delete_attempts = delete_attempts + 1,"
            + " next_delete_at = now() + ($2 * interval '1 millisecond') WHERE id = $1 AND status = 'deleting'"
            + " RETURNING delete_attempts";

    public Uni<StorageObjectRow> insertPending(SqlConnection connection, NewObject object) {
        return connection.preparedQuery(INSERT_PENDING)
                .execute(params(object.id(), object.ownerId(), object.bucket(), object.key(), object.kind(),
                        object.contentType(), object.sizeBytes(), object.filename(), object.taskId(), object.expiresAt()))
                .map(rows -> Rows.first(rows, StorageObjectRepository::map));
    }

    /** Any row the acting context may see (the service acts for all), whatever its status. */
    public Uni<StorageObjectRow> find(SqlConnection connection, UUID id) {
        return connection.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> Rows.first(rows, StorageObjectRepository::map));
    }

    /** The row, locked for the rest of the transaction (null when the acting context sees none). */
    public Uni<StorageObjectRow> lock(SqlConnection connection, UUID id) {
        return connection.preparedQuery(LOCK).execute(Tuple.of(id)).map(rows -> Rows.first(rows, StorageObjectRepository::map));
    }

    /** The rows among {@code ids} that exist (whatever their status). */
    public Uni<List<StorageObjectRow>> findAll(SqlConnection connection, List<UUID> ids) {
        return connection.preparedQuery(FIND_ALL).execute(Tuple.of((Object) ids.toArray(new UUID[0])))
                .map(rows -> Rows.map(rows, StorageObjectRepository::map));
    }

    /** The owner's object unless it is being deleted (then it is gone as far as the API is concerned). */
    public Uni<StorageObjectRow> findOwned(SqlConnection connection, UUID id, UUID ownerId) {
        return connection.preparedQuery(FIND_OWNED).execute(Tuple.of(id, ownerId))
                .map(rows -> Rows.first(rows, StorageObjectRepository::map));
    }

    public Uni<List<StorageObjectRow>> listOwned(SqlConnection connection, UUID ownerId, String bucket,
            PageRequest page) {
        return connection.preparedQuery(LIST_OWNED)
                .execute(params(ownerId, bucket, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, StorageObjectRepository::map));
    }

    public Uni<StorageObjectRow> findByKey(SqlConnection connection, String bucket, String key) {
        return connection.preparedQuery(FIND_BY_KEY).execute(Tuple.of(bucket, key))
                .map(rows -> Rows.first(rows, StorageObjectRepository::map));
    }

    public Uni<StorageObjectRow> findServable(SqlConnection connection, String bucket, String key) {
        return connection.preparedQuery(FIND_SERVABLE).execute(Tuple.of(bucket, key))
                .map(rows -> Rows.first(rows, StorageObjectRepository::map));
    }

    public Uni<Void> lockQuota(SqlConnection connection, UUID ownerId) {
        return connection.preparedQuery(LOCK_QUOTA).execute(Tuple.of("reigh.storage.quota:" + ownerId))
                .replaceWithVoid();
    }

    public Uni<Long> readyBytes(SqlConnection connection, UUID ownerId) {
        return connection.preparedQuery(READY_BYTES).execute(Tuple.of(ownerId))
                .map(rows -> rows.iterator().next().getLong("used"));
    }

    /** Null when the row was not pending, or its confirmation window has passed. */
    public Uni<StorageObjectRow> markReady(SqlConnection connection, UUID id, long sizeBytes) {
        return connection.preparedQuery(MARK_READY).execute(Tuple.of(id, sizeBytes))
                .map(rows -> Rows.first(rows, StorageObjectRepository::map));
    }

    /** The rows that this call moved to {@code deleting} (visible ones not already deleting). */
    public Uni<List<StorageObjectRow>> markDeleting(SqlConnection connection, List<UUID> ids, Instant firstRetryAt) {
        return connection.preparedQuery(MARK_DELETING)
                .execute(params(ids.toArray(new UUID[0]), firstRetryAt))
                .map(rows -> Rows.map(rows, StorageObjectRepository::map));
    }

    /** The owner's object moved to {@code deleting}; null when it is not theirs, missing or already going. */
    public Uni<StorageObjectRow> markDeletingOwned(SqlConnection connection, UUID id, UUID ownerId,
            Instant firstRetryAt) {
        return connection.preparedQuery(MARK_DELETING_OWNED).execute(params(id, ownerId, firstRetryAt))
                .map(rows -> Rows.first(rows, StorageObjectRepository::map));
    }

    public Uni<List<StorageObjectRow>> expirePending(SqlConnection connection, Instant asOf, Instant firstRetryAt,
            int limit) {
        return connection.preparedQuery(EXPIRE_PENDING).execute(params(asOf, firstRetryAt, limit))
                .map(rows -> Rows.map(rows, StorageObjectRepository::map));
    }

    public Uni<List<StorageObjectRow>> claimDueDeletions(SqlConnection connection, Instant asOf, Instant heldUntil,
            int limit) {
        return connection.preparedQuery(CLAIM_DUE_DELETIONS).execute(params(asOf, heldUntil, limit))
                .map(rows -> Rows.map(rows, StorageObjectRepository::map));
    }

    public Uni<Boolean> deleteRow(SqlConnection connection, UUID id) {
        return connection.preparedQuery(DELETE_ROW).execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    /** Records a failed attempt; the next one is {@code retryIn} from now. */
    public Uni<Void> deletionFailed(SqlConnection connection, UUID id, Duration retryIn) {
        return connection.preparedQuery(DELETION_FAILED).execute(Tuple.of(id, retryIn.toMillis())).replaceWithVoid();
    }

    static StorageObjectRow map(Row row) {
        return new StorageObjectRow(row.getUUID("id"), row.getUUID("owner_id"), row.getString("bucket"),
                row.getString("key"), row.getString("kind"), row.getString("content_type"), row.getLong("size_bytes"),
                row.getString("status"), row.getString("filename"), row.getUUID("task_id"),
                Rows.instant(row, "expires_at"), Rows.instant(row, "created_at"), Rows.instant(row, "confirmed_at"),
                row.getInteger("delete_attempts"));
    }

    /** A tuple that takes nulls and Instants (as UTC timestamps, which the client binds to timestamptz). */
    static Tuple params(Object... values) {
        List<Object> converted = new ArrayList<>(values.length);
        for (Object value : values) {
            converted.add(value instanceof Instant instant ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : value);
        }
        return Tuple.from(converted);
    }
}
