package ai.reigh.storage.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

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

/**
 * Pending → ready, once the store holds exactly what was declared: a HEAD checks the size and the
 * content type; anything else is a 409 and the row stays pending (upload again, confirm again). A
 * user's confirmation is where the quota is enforced, under a per-owner lock so that parallel
 * confirmations cannot overshoot it together. Confirming a ready object answers it again (idempotent).
 */
@ApplicationScoped
public class ConfirmationService {
    private final Db db;
    private final StorageObjectRepository objects;
    private final ObjectStore store;
    private final Buckets buckets;
    private final long quotaBytes;

    public ConfirmationService(Db db, StorageObjectRepository objects, ObjectStore store, Buckets buckets,
            StorageConfig config) {
        this.db = db;
        this.objects = objects;
        this.store = store;
        this.buckets = buckets;
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
                    return verifyStored(row).chain(stored -> markReady(caller.asUser(), row, stored.sizeBytes(), true));
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
                    return verifyStored(row).chain(stored -> markReady(Actor.service(), row, stored.sizeBytes(), false));
                });
    }

    /**
     * A direct upload just streamed its bytes: the same checks and quota as a confirmation, with the size
     * actually stored (a body without a declared length learns it only now).
     */
    Uni<StorageObjectRow> confirmDirectUpload(Caller caller, StorageObjectRow row, long storedBytes) {
        return verifyStored(row, storedBytes).chain(stored -> markReady(caller.asUser(), row, storedBytes, true));
    }

    private Uni<StoredObject> verifyStored(StorageObjectRow row) {
        return verifyStored(row, row.sizeBytes());
    }

    private Uni<StoredObject> verifyStored(StorageObjectRow row, long expectedBytes) {
        Buckets.Bucket bucket = buckets.find(row.bucket()).orElseThrow(StorageErrors::objectNotFound);
        return store.head(bucket.physicalName(), row.key()).map(found -> {
            StoredObject stored = found.orElseThrow(() -> StorageErrors.uploadMismatch(
                    "Nothing has been uploaded for this object yet: PUT the bytes to the upload URL, then confirm."));
            if (stored.sizeBytes() != expectedBytes) {
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
     * Under the owner's quota lock: the guarded pending → ready update, then the owner's ready bytes
     * (this object included) against the quota; over it, the failure rolls the update back.
     */
    private Uni<StorageObjectRow> markReady(Actor actor, StorageObjectRow row, long sizeBytes, boolean enforceQuota) {
        return db.inTransaction(actor, connection -> {
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
        throw ProblemException.conflict(StorageErrors.UPLOAD_EXPIRED,
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
