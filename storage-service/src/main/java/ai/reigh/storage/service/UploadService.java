package ai.reigh.storage.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.TaskLeaseView;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.client.TasksClient;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.config.ContentTypes;
import ai.reigh.storage.config.StorageConfig;
import ai.reigh.storage.repository.NewObject;
import ai.reigh.storage.repository.StorageObjectRepository;
import ai.reigh.storage.repository.StorageObjectRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Presigned uploads: the service checks the request against the bucket's limits and the owner's
 * quota, records a {@code pending} object under a key it builds, and hands out a short-lived PUT URL;
 * the bytes then go straight to the store. The URL is for the object's staging key, never its final key,
 * and is signed for the declared length and type. Nothing is ready (or served) before a confirmation
 * checks the bytes and copies them to the final key ({@link ConfirmationService}).
 */
@ApplicationScoped
public class UploadService {
    private final Db db;
    private final StorageObjectRepository objects;
    private final ObjectStore store;
    private final Buckets buckets;
    private final TasksClient tasks;
    private final StorageConfig config;

    public UploadService(Db db, StorageObjectRepository objects, ObjectStore store, Buckets buckets, TasksClient tasks,
            StorageConfig config) {
        this.db = db;
        this.objects = objects;
        this.store = store;
        this.buckets = buckets;
        this.tasks = tasks;
        this.config = config;
    }

    /** {@code POST /v1/storage/uploads}. */
    public Uni<UploadTicket> presignUpload(Caller caller, String bucketName, String contentType, long sizeBytes,
            String filename) {
        UUID owner = caller.requireUserId();
        Buckets.Bucket bucket = buckets.find(bucketName)
                .orElseThrow(() -> ProblemException.validation("bucket", "must be one of " + bucketNames()));
        String type = acceptedType(bucket, contentType, "content_type");
        checkSize(bucket.maxObjectBytes(), sizeBytes);
        UUID id = UUID.randomUUID();
        NewObject object = new NewObject(id, owner, bucket.name(), ObjectKeys.userUpload(owner, bucket.keyKind(), id, type),
                bucket.keyKind(), type, sizeBytes, ObjectKeys.sanitizeFilename(filename), null, pendingUntil());
        return db.inTransaction(caller.asUser(), connection -> ensureUser(connection, caller)
                .chain(() -> checkQuota(connection, owner, sizeBytes))
                .chain(() -> objects.insertPending(connection, object)))
                .chain(row -> ticket(bucket, row));
    }

    /**
     * {@code POST /v1/workers/uploads}: only the worker holding the task's current lease (tasks-service
     * says who) gets a PUT URL, under the task owner's {@code tasks/{task_id}/} prefix of the task-output
     * bucket. A local worker (personal access token) may only upload for its owner's tasks.
     */
    public Uni<UploadTicket> presignTaskOutput(Caller worker, UUID taskId, String leaseToken, String contentType,
            long sizeBytes, String filename) {
        Buckets.Bucket bucket = buckets.taskOutputs();
        String type = acceptedType(bucket, contentType, "content_type");
        checkSize(bucket.maxObjectBytes(), sizeBytes);
        return tasks.currentLease(taskId, leaseToken).chain(lease -> {
            if (!taskId.equals(lease.taskId()) || lease.userId() == null || !mayUploadFor(worker, lease)) {
                return Uni.createFrom().failure(ProblemException.notFound("Task"));
            }
            UUID owner = lease.userId();
            UUID id = UUID.randomUUID();
            NewObject object = new NewObject(id, owner, bucket.name(), ObjectKeys.taskOutput(owner, taskId, id, type),
                    Buckets.TASK_OUTPUT_KIND, type, sizeBytes, ObjectKeys.sanitizeFilename(filename), taskId,
                    pendingUntil());
            Actor actor = worker.isLocalWorker() ? worker.asWorker() : Actor.service();
            return db.inTransaction(actor, connection -> objects.insertPending(connection, object))
                    .chain(row -> ticket(bucket, row));
        });
    }

    private static boolean mayUploadFor(Caller worker, TaskLeaseView lease) {
        return worker.workerOwnerId().map(owner -> owner.equals(lease.userId())).orElse(true);
    }

    /** The only place a client gets a PUT URL: always for the staging key, never a final one. */
    private Uni<UploadTicket> ticket(Buckets.Bucket bucket, StorageObjectRow row) {
        Instant urlExpiresAt = Instant.now().plus(config.uploadUrlExpiry());
        return store.presignUpload(bucket.physicalName(), ObjectKeys.staging(row.ownerId(), row.id()),
                row.contentType(), row.sizeBytes(), config.uploadUrlExpiry())
                .map(url -> new UploadTicket(row, url, row.contentType(), urlExpiresAt));
    }

    /** A pending upload may be confirmed until its URL expired plus a grace period; then it is cleaned up. */
    private Instant pendingUntil() {
        return Instant.now().plus(config.uploadUrlExpiry()).plus(config.confirmGrace());
    }

    static String acceptedType(Buckets.Bucket bucket, String declared, String field) {
        String type = ContentTypes.normalize(declared).orElseThrow(
                () -> ProblemException.validation(field, "must be a media type such as image/png"));
        if (!bucket.accepts(type)) {
            throw ProblemException.validation(List.of(new FieldError(field,
                    "is not accepted in bucket " + bucket.name() + "; accepted: " + String.join(", ", bucket.allowedContentTypes()))));
        }
        return type;
    }

    static void checkSize(long maxBytes, long sizeBytes) {
        if (sizeBytes < 1) {
            throw ProblemException.validation("size_bytes", "must be at least 1");
        }
        if (sizeBytes > maxBytes) {
            throw StorageErrors.tooLarge(maxBytes);
        }
    }

    /** An early refusal (the authoritative check is at confirmation, under the owner's lock). */
    Uni<Void> checkQuota(SqlConnection connection, UUID owner, long sizeBytes) {
        return objects.readyBytes(connection, owner).invoke(used -> {
            if (used + sizeBytes > config.userQuotaBytes()) {
                throw StorageErrors.quotaExceeded(used, sizeBytes, config.userQuotaBytes());
            }
        }).replaceWithVoid();
    }

    /** Objects reference their owner's user row: a first-time caller's row is made from the token. */
    static Uni<Void> ensureUser(SqlConnection connection, Caller caller) {
        return connection.preparedQuery("SELECT count(*) FROM (SELECT reigh_ensure_user($1, $2)) AS ensured")
                .execute(Tuple.of(caller.requireUserId(), caller.email().orElse(null))).replaceWithVoid();
    }

    private String bucketNames() {
        return String.join(", ", buckets.all().stream().map(Buckets.Bucket::name).toList());
    }

    /** What a client needs to upload: where, how, with which headers, until when. */
    public record UploadTicket(StorageObjectRow object, String uploadUrl, String contentType, Instant expiresAt) {
    }
}
