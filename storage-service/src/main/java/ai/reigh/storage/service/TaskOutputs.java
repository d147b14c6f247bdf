package ai.reigh.storage.service;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.config.ContentTypes;
import ai.reigh.storage.config.S3Config;
import ai.reigh.storage.config.StorageConfig;
import ai.reigh.storage.repository.NewObject;
import ai.reigh.storage.repository.StorageObjectRepository;
import ai.reigh.storage.repository.StorageObjectRow;
import io.smallrye.mutiny.Uni;

/**
 * Task outputs of the deployed GPU fleet's protocol, for tasks-service (which has checked that the
 * calling worker holds the task): the same objects, keys, bucket rules and confirmations as every task
 * output, reached the ways that fleet reaches them.
 *
 * <ul>
 * <li>{@link #store}: an inline output's bytes, stored for the task and ready at once. No type was
 * declared: it is the one the file name implies, which the bucket must accept and the file's first bytes
 * must show (a PNG starts like a PNG).</li>
 * <li>{@link #presign}: an upload URL without a declared size. The pending object is bounded by the
 * bucket's limit; its size is learned from the store when it is confirmed.</li>
 * <li>{@link #confirmByKey}: a completion naming its storage_path. An upload of this task is confirmed
 * (the ordinary confirmation, plus the signature check); an object the owner already has ready (an
 * orchestrator completing with its final child's file) is answered as it is; anything else is a 404.</li>
 * <li>{@link #confirmOnRead}: the fleet also uploads intermediate files this way and builds their
 * public URL itself, without ever completing with them. The public route asks here when it finds no
 * ready object: a pending output of a task, within its upload window, whose bytes are there, is confirmed
 * and served. Bounded: only task outputs of the task-output bucket, only until the window closes (then the
 * cleaner removes it as any unconfirmed upload), one confirmation at a time per object (the guarded
 * pending → ready update), and the key is a server-built one with two random UUIDs in it.</li>
 * </ul>
 */
@ApplicationScoped
public class TaskOutputs {
    private static final Logger LOG = Logger.getLogger(TaskOutputs.class);

    private final Db db;
    private final StorageObjectRepository objects;
    private final ObjectStore store;
    private final Buckets buckets;
    private final ConfirmationService confirmations;
    private final DeletionService deletions;
    private final StorageConfig config;
    private final S3Config s3;

    public TaskOutputs(Db db, StorageObjectRepository objects, ObjectStore store, Buckets buckets,
            ConfirmationService confirmations, DeletionService deletions, StorageConfig config, S3Config s3) {
        this.db = db;
        this.objects = objects;
        this.store = store;
        this.buckets = buckets;
        this.confirmations = confirmations;
        this.deletions = deletions;
        this.config = config;
        this.s3 = s3;
    }

    /** An inline output of {@code taskId}: stored, checked and ready (or nothing left behind). */
    public Uni<StorageObjectRow> store(UUID taskId, UUID ownerId, String filename, byte[] bytes) {
        Buckets.Bucket bucket = buckets.taskOutputs();
        String type = MediaSignatures.typeOfName(filename).filter(bucket::accepts)
                .orElseThrow(() -> unsupported(bucket, "the file name " + printable(filename)
                        + " does not name an accepted media type"));
        if (bytes.length == 0) {
            throw ProblemException.validation("body", "must not be empty");
        }
        if (bytes.length > bucket.maxObjectBytes()) {
            throw StorageErrors.tooLarge(bucket.maxObjectBytes());
        }
        requireSignature(type, Arrays.copyOf(bytes, Math.min(bytes.length, MediaSignatures.HEAD_BYTES)));
        UUID id = UUID.randomUUID();
        NewObject object = new NewObject(id, ownerId, bucket.name(), ObjectKeys.taskOutput(ownerId, taskId, id, type),
                Buckets.TASK_OUTPUT_KIND, type, bytes.length, ObjectKeys.sanitizeFilename(filename), taskId,
                Instant.now().plus(s3.transferTimeout()).plus(config.confirmGrace()));
        return db.inTransaction(Actor.service(), connection -> objects.insertPending(connection, object))
                .chain(row -> store.putSized(bucket.physicalName(), row.key(), type, bytes.length,
                        new ByteArrayInputStream(bytes))
                        .chain(() -> confirmations.confirmStoredTaskOutput(row, bytes.length))
                        .onFailure().call(failure -> discard(row)));
    }

    /** A pending output of {@code taskId} of undeclared size, and its upload URL. */
    public Uni<UploadService.UploadTicket> presign(UUID taskId, UUID ownerId, String filename, String declaredType) {
        Buckets.Bucket bucket = buckets.taskOutputs();
        String type = ContentTypes.normalize(declaredType).filter(bucket::accepts)
                .or(() -> MediaSignatures.typeOfName(filename).filter(bucket::accepts))
                .orElseThrow(() -> ProblemException.validation("content_type", "is not accepted for task outputs;"
                        + " accepted: " + String.join(", ", bucket.allowedContentTypes())));
        UUID id = UUID.randomUUID();
        NewObject object = new NewObject(id, ownerId, bucket.name(), ObjectKeys.taskOutput(ownerId, taskId, id, type),
                Buckets.TASK_OUTPUT_KIND, type, ConfirmationService.UNSIZED, ObjectKeys.sanitizeFilename(filename), taskId,
                Instant.now().plus(config.uploadUrlExpiry()).plus(config.confirmGrace()));
        Instant urlExpiresAt = Instant.now().plus(config.uploadUrlExpiry());
        return db.inTransaction(Actor.service(), connection -> objects.insertPending(connection, object))
                .chain(row -> store.presignUnsizedUpload(bucket.physicalName(), ObjectKeys.staging(row.ownerId(), row.id()),
                        type, config.uploadUrlExpiry())
                        .map(url -> new UploadService.UploadTicket(row, url, type, urlExpiresAt)));
    }

    /** The object a completion of {@code taskId} names by its key, ready (404 for anything that is not the owner's). */
    public Uni<StorageObjectRow> confirmByKey(UUID taskId, UUID ownerId, String key) {
        Buckets.Bucket bucket = buckets.taskOutputs();
        if (!ObjectKeys.isWellFormed(key)) {
            return Uni.createFrom().failure(StorageErrors.objectNotFound());
        }
        return db.inTransaction(Actor.service(), connection -> objects.findByKey(connection, bucket.name(), key))
                .chain(row -> {
                    if (row == null || !ownerId.equals(row.ownerId())) {
                        return Uni.createFrom().failure(StorageErrors.objectNotFound());
                    }
                    if (row.isReady()) {
                        return Uni.createFrom().item(row);
                    }
                    if (!taskId.equals(row.taskId())) {
                        return Uni.createFrom().failure(StorageErrors.objectNotFound());
                    }
                    return confirmPending(bucket, row);
                });
    }

    /**
     * The public route found nothing ready under {@code key}: a pending task output whose bytes are
     * uploaded is confirmed now (an intermediate file of the fleet). Anything else stays a 404.
     */
    public Uni<StorageObjectRow> confirmOnRead(String bucketName, String key) {
        Buckets.Bucket bucket = buckets.taskOutputs();
        if (!bucket.name().equals(bucketName)) {
            return Uni.createFrom().failure(StorageErrors.objectNotFound());
        }
        return db.inTransaction(Actor.service(), connection -> objects.findByKey(connection, bucket.name(), key))
                .chain(row -> {
                    if (row == null || row.taskId() == null || !StorageObjectRow.PENDING.equals(row.status())
                            || row.expiresAt() == null || !row.expiresAt().isAfter(Instant.now())) {
                        return Uni.createFrom().failure(StorageErrors.objectNotFound());
                    }
                    return confirmPending(bucket, row).onFailure(failure -> !(failure instanceof ProblemException problem
                            && problem.status() >= 500)).transform(refused -> StorageErrors.objectNotFound());
                });
    }

    private Uni<StorageObjectRow> confirmPending(Buckets.Bucket bucket, StorageObjectRow row) {
        return store.readHead(bucket.physicalName(), uploadedKey(row), MediaSignatures.HEAD_BYTES).chain(head -> {
            if (head.isEmpty()) {
                return Uni.createFrom().failure(StorageErrors.uploadMismatch(
                        "Nothing has been uploaded for this object yet: PUT the bytes to the upload URL, then complete."));
            }
            requireSignature(row.contentType(), head.get());
            return confirmations.confirmTaskOutput(row.id(), row.taskId());
        });
    }

    /** Where the bytes of a pending upload are until its confirmation copies them to the final key. */
    private static String uploadedKey(StorageObjectRow row) {
        return ObjectKeys.staging(row.ownerId(), row.id());
    }

    private static void requireSignature(String type, byte[] head) {
        if (!MediaSignatures.matches(type, head)) {
            throw new ProblemException(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "The file's bytes are not a " + type + " file.");
        }
    }

    private Uni<Void> discard(StorageObjectRow row) {
        return deletions.discard(row.id()).onFailure().recoverWithUni(failure -> {
            LOG.warnf("could not discard failed task output %s now (the cleaner will): %s", row.id(), failure.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    private static ProblemException unsupported(Buckets.Bucket bucket, String why) {
        return new ProblemException(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                why + "; task outputs are " + String.join(", ", bucket.allowedContentTypes()) + ".");
    }

    private static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        String shown = value.length() > 100 ? value.substring(0, 100) : value;
        return "'" + shown.replaceAll("[^\\x20-\\x7E]", "?") + "'";
    }
}
