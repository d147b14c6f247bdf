package ai.reigh.storage.service;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.client.StoredObject;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.config.ContentTypes;
import ai.reigh.storage.config.StorageConfig;
import ai.reigh.storage.repository.StorageObjectRepository;
import ai.reigh.storage.repository.StorageObjectRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Pending → ready, once the store holds exactly what was declared. A presigned upload lands on the
 * object's staging key ({@link ObjectKeys#staging}), which anyone holding the URL may overwrite until it
 * expires; so a confirmation checks the staging object (size and type), copies it on the store's side to
 * the final key, for which nobody holds a URL, checks the final object again (that is what stays, and what
 * is served and counted) and only then marks the row ready; the staging object is removed afterwards.
 * Anything that does not match is a 409 and the row stays pending (upload again, confirm again).
 *
 * <p>All of it happens holding the row's lock ({@code SELECT … FOR UPDATE}): two confirmations of one object
 * take turns (the second finds it ready and copies nothing), and a delete waits for a running confirmation.
 * A crash between the steps leaves the row pending and the staging object in place: confirming again copies
 * again. A user's confirmation is where the quota is enforced, under a per-owner lock so that parallel
 * confirmations cannot overshoot it together. Confirming a ready object answers it again (idempotent).
 */
@ApplicationScoped
public class ConfirmationService {
    private static final Logger LOG = Logger.getLogger(ConfirmationService.class);

    /** The size of a pending upload whose size was not declared (learned at confirmation). */
    public static final long UNSIZED = 0;
    private final Db db;
    private final StorageObjectRepository objects;
    private final ObjectStore store;
    private final Buckets buckets;
    private final StorageMetrics metrics;
    private final long quotaBytes;

    public ConfirmationService(Db db, StorageObjectRepository objects, ObjectStore store, Buckets buckets,
            StorageMetrics metrics, StorageConfig config) {
        this.db = db;
        this.objects = objects;
        this.store = store;
        this.buckets = buckets;
        this.metrics = metrics;
        this.quotaBytes = config.userQuotaBytes();
    }

    /** {@code POST /v1/storage/objects/{id}/confirm}: the owner's own upload. */
    public Uni<StorageObjectRow> confirmByOwner(Caller caller, UUID id) {
        UUID owner = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> objects.findOwned(connection, id, owner))
                .onItem().ifNull().failWith(StorageErrors::objectNotFound)
                .chain(row -> {
                    if (row.isReady()) {
                        return Uni.createFrom().item(row);
                    }
                    if (row.taskId() != null) {
                        return Uni.createFrom().failure(ProblemException.conflict(ErrorCode.CONFLICT,
                                "A task's output is confirmed by the platform when the task completes."));
                    }
                    return confirmUpload(caller.asUser(), row, true);
                });
    }

    /**
     * {@code POST /internal/v1/storage/objects/{id}/confirm}: tasks-service, completing {@code taskId},
     * confirms the output its worker uploaded. Another task's object is a 404. Task outputs count towards
     * the owner's usage but are never refused for quota: the work was done and paid for.
     */
    public Uni<StorageObjectRow> confirmTaskOutput(UUID id, UUID taskId) {
        return db.inTransaction(Actor.service(), connection -> objects.find(connection, id))
                .onItem().ifNull().failWith(StorageErrors::objectNotFound)
                .chain(row -> {
                    if (row.isDeleting() || !taskId.equals(row.taskId())) {
                        return Uni.createFrom().failure(StorageErrors.objectNotFound());
                    }
                    if (row.isReady()) {
                        return Uni.createFrom().item(row);
                    }
                    return confirmUpload(Actor.service(), row, false);
                });
    }

    /**
     * A direct upload just streamed its bytes to the final key itself (no URL was handed out): the same
     * checks and quota as a confirmation, with the size actually stored (a body without a declared length
     * learns it only now).
     */
    Uni<StorageObjectRow> confirmDirectUpload(Caller caller, StorageObjectRow row, long storedBytes) {
        return verify(bucketOf(row), row.key(), row, storedBytes).chain(stored -> db.inTransaction(caller.asUser(),
                connection -> markReady(connection, row, storedBytes, true)));
    }

    /**
     * A task output the platform itself just wrote to the final key (a worker's inline file): the same
     * checks as a confirmation; like every task output, never refused for quota.
     */
    Uni<StorageObjectRow> confirmStoredTaskOutput(StorageObjectRow row, long storedBytes) {
        return verify(bucketOf(row), row.key(), row, storedBytes).chain(stored -> db.inTransaction(Actor.service(),
                connection -> markReady(connection, row, storedBytes, false)));
    }

    /** The presigned upload of {@code seen}: staging checked, copied, final checked, marked ready, all under its lock. */
    private Uni<StorageObjectRow> confirmUpload(Actor actor, StorageObjectRow seen, boolean enforceQuota) {
        Buckets.Bucket bucket = bucketOf(seen);
        String staging = ObjectKeys.staging(seen.ownerId(), seen.id());
        boolean[] confirmedNow = { false };
        return db.inTransaction(actor, connection -> objects.lock(connection, seen.id()).chain(row -> {
            if (row == null || row.isDeleting()) {
                return Uni.createFrom().failure(StorageErrors.objectNotFound());
            }
            if (row.isReady()) {
                // Another confirmation finished while this one waited for the lock: nothing to copy.
                return Uni.createFrom().item(row);
            }
            if (row.expiresAt() == null || !row.expiresAt().isAfter(Instant.now())) {
                return Uni.createFrom().failure(uploadExpired());
            }
            return verify(bucket, staging, row, row.sizeBytes())
                    .chain(() -> store.copy(bucket.physicalName(), staging, row.key()))
                    .chain(copied -> {
                        if (!copied) {
                            return Uni.createFrom().failure(nothingUploaded());
                        }
                        metrics.stagingCopied();
                        return verify(bucket, row.key(), row, row.sizeBytes());
                    })
                    .chain(stored -> markReady(connection, row, stored.sizeBytes(), enforceQuota))
                    .invoke(() -> confirmedNow[0] = true);
        })).call(row -> confirmedNow[0] ? removeStaging(bucket, staging) : Uni.createFrom().voidItem());
    }

    /** Best effort once the row is ready: a staging object left behind is removed by the sweep. */
    private Uni<Void> removeStaging(Buckets.Bucket bucket, String staging) {
        return store.remove(bucket.physicalName(), staging).onFailure().recoverWithUni(failure -> {
            LOG.warnf("could not remove the confirmed upload's staging object %s now (the sweep will): %s", staging,
                    failure.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * What the store holds under {@code key}, if it is the declared size and type; a 409 otherwise.
     * {@code expectedBytes} {@link #UNSIZED}: an upload whose size nobody declared (the deployed fleet's
     * generate-upload-url); its size is learned here, bounded by the bucket's limit.
     */
    private Uni<StoredObject> verify(Buckets.Bucket bucket, String key, StorageObjectRow row, long expectedBytes) {
        return store.head(bucket.physicalName(), key).map(found -> {
            StoredObject stored = found.orElseThrow(ConfirmationService::nothingUploaded);
            if (expectedBytes == UNSIZED) {
                if (stored.sizeBytes() > bucket.maxObjectBytes()) {
                    throw StorageErrors.tooLarge(bucket.maxObjectBytes());
                }
                if (stored.sizeBytes() < 1) {
                    throw StorageErrors.uploadMismatch("The stored object is empty: upload it again, then confirm.");
                }
            } else if (stored.sizeBytes() != expectedBytes) {
                throw StorageErrors.uploadMismatch("The stored object has " + stored.sizeBytes()
                        + " bytes but " + expectedBytes + " were declared: upload it again, then confirm.");
            }
            String storedType = ContentTypes.normalize(stored.contentType()).orElse("");
            if (!storedType.equals(row.contentType())) {
                throw StorageErrors.uploadMismatch("The stored object's content type is '" + printable(stored.contentType())
                        + "' but '" + row.contentType() + "' was declared: upload it again with the upload headers.");
            }
            return stored;
        });
    }

    /**
     * In the caller's transaction, under the owner's quota lock: the guarded pending → ready update, then the
     * owner's ready bytes (this object included) against the quota; over it, the failure rolls the update back.
     */
    private Uni<StorageObjectRow> markReady(SqlConnection connection, StorageObjectRow row, long sizeBytes,
            boolean enforceQuota) {
        Uni<Void> locked = enforceQuota ? objects.lockQuota(connection, row.ownerId()) : Uni.createFrom().voidItem();
        return locked.chain(() -> objects.markReady(connection, row.id(), sizeBytes)).chain(updated -> {
            if (updated == null) {
                return objects.find(connection, row.id()).map(ConfirmationService::afterLostRace);
            }
            if (!enforceQuota) {
                return Uni.createFrom().item(updated);
            }
            return objects.readyBytes(connection, row.ownerId()).map(used -> {
                if (used > quotaBytes) {
                    throw StorageErrors.quotaExceeded(used - sizeBytes, sizeBytes, quotaBytes);
                }
                return updated;
            });
        });
    }

    /** The guarded update moved nothing: another confirmation won, or the window closed, or it is going. */
    private static StorageObjectRow afterLostRace(StorageObjectRow current) {
        if (current == null || current.isDeleting()) {
            throw StorageErrors.objectNotFound();
        }
        if (current.isReady()) {
            return current;
        }
        throw uploadExpired();
    }

    private Buckets.Bucket bucketOf(StorageObjectRow row) {
        return buckets.find(row.bucket()).orElseThrow(StorageErrors::objectNotFound);
    }

    private static ProblemException nothingUploaded() {
        return StorageErrors.uploadMismatch(
                "Nothing has been uploaded for this object yet: PUT the bytes to the upload URL, then confirm.");
    }

    private static ProblemException uploadExpired() {
        return ProblemException.conflict(StorageErrors.UPLOAD_EXPIRED,
                "The upload window of this object has closed; request a new upload.");
    }

    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        String shown = value.length() > 100 ? value.substring(0, 100) : value;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
