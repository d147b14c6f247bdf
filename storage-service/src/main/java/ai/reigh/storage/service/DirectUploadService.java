package ai.reigh.storage.service;

import java.io.InputStream;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.client.PacedInputStream;
import ai.reigh.storage.client.StoreFailure;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.config.ContentTypes;
import ai.reigh.storage.config.S3Config;
import ai.reigh.storage.config.StorageConfig;
import ai.reigh.storage.repository.NewObject;
import ai.reigh.storage.repository.StorageObjectRepository;
import ai.reigh.storage.repository.StorageObjectRow;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /v1/storage/buckets/{bucket}/objects}: small files through the service, streamed to the
 * store as they arrive, never held whole. With a Content-Length the size is checked before a byte is
 * read and the body is piped with constant memory; without one (chunked) it goes through the store's
 * multipart upload (one 5 MiB part in memory at a time, a few such uploads at once and at most a couple of
 * one caller's: {@link UnsizedUploadSlots}) and the limit is enforced while reading. Every body must keep
 * arriving ({@link UploadPacing}): a stalled or trickling one is cut. The object is recorded as pending
 * first, so a crash half-way leaves nothing the cleaner does not find; any failure discards what was stored.
 *
 * <p>These are the only writes to final keys from outside a confirmation, and they are the service's own:
 * the PUT URL it signs for itself here never leaves the process.
 */
@ApplicationScoped
public class DirectUploadService {
    private static final Logger LOG = Logger.getLogger(DirectUploadService.class);

    private final Db db;
    private final StorageObjectRepository objects;
    private final ObjectStore store;
    private final Buckets buckets;
    private final UploadService uploads;
    private final ConfirmationService confirmations;
    private final DeletionService deletions;
    private final StorageConfig config;
    private final S3Config s3;
    private final UnsizedUploadSlots unsizedSlots;
    private final UploadPacing pacing;

    public DirectUploadService(Db db, StorageObjectRepository objects, ObjectStore store, Buckets buckets,
            UploadService uploads, ConfirmationService confirmations, DeletionService deletions, StorageConfig config,
            S3Config s3, UnsizedUploadSlots unsizedSlots, UploadPacing pacing) {
        this.db = db;
        this.objects = objects;
        this.store = store;
        this.buckets = buckets;
        this.uploads = uploads;
        this.confirmations = confirmations;
        this.deletions = deletions;
        this.config = config;
        this.s3 = s3;
        this.unsizedSlots = unsizedSlots;
        this.pacing = pacing;
    }

    /** The limit of a direct upload into {@code bucket}: its own, at most the direct-upload limit. */
    public long limitOf(Buckets.Bucket bucket) {
        return Math.min(bucket.maxObjectBytes(), config.directUploadMaxBytes());
    }

    public Uni<StorageObjectRow> upload(Caller caller, String bucketName, String contentType, OptionalLong declaredLength,
            String filename, InputStream body) {
        UUID owner = caller.requireUserId();
        Buckets.Bucket bucket = buckets.find(bucketName).orElseThrow(() -> ProblemException.notFound("Bucket"));
        String type = ContentTypes.normalize(contentType).filter(bucket::accepts).orElseThrow(() -> new ProblemException(415,
                ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", "Bucket " + bucket.name() + " accepts "
                        + String.join(", ", bucket.allowedContentTypes()) + "."));
        long limit = limitOf(bucket);
        if (declaredLength.isPresent()) {
            if (declaredLength.getAsLong() > limit) {
                throw StorageErrors.tooLarge(limit);
            }
            if (declaredLength.getAsLong() == 0) {
                throw ProblemException.validation("body", "must not be empty");
            }
        }
        UUID id = UUID.randomUUID();
        NewObject object = new NewObject(id, owner, bucket.name(), ObjectKeys.userUpload(owner, bucket.keyKind(), id, type),
                bucket.keyKind(), type, declaredLength.orElse(0), ObjectKeys.sanitizeFilename(filename), null,
                Instant.now().plus(s3.transferTimeout()).plus(config.confirmGrace()));
        UnsizedUploadSlots.Slot slot = declaredLength.isEmpty() ? unsizedSlots.take(owner) : null;
        PacedInputStream paced = pacing.watch(body);
        return db.inTransaction(caller.asUser(), connection -> UploadService.ensureUser(connection, caller)
                .chain(() -> uploads.checkQuota(connection, owner, declaredLength.orElse(0)))
                .chain(() -> objects.insertPending(connection, object)))
                .chain(row -> transfer(bucket, row, declaredLength, limit, paced)
                        .chain(stored -> confirmations.confirmDirectUpload(caller, row, stored))
                        .onFailure().call(failure -> discard(row)))
                .onFailure().transform(DirectUploadService::asProblem)
                .eventually(() -> {
                    pacing.release(paced);
                    if (slot != null) {
                        slot.release();
                    }
                });
    }

    private Uni<Long> transfer(Buckets.Bucket bucket, StorageObjectRow row, OptionalLong declaredLength, long limit,
            InputStream body) {
        if (declaredLength.isPresent()) {
            long length = declaredLength.getAsLong();
            return store.putSized(bucket.physicalName(), row.key(), row.contentType(), length, body).replaceWith(length);
        }
        return store.putUnsized(bucket.physicalName(), row.key(), row.contentType(), body, limit).invoke(stored -> {
            if (stored == 0) {
                throw ProblemException.validation("body", "must not be empty");
            }
        });
    }

    /** Whatever reached the store goes; if the store is down the retrier finishes the job. */
    private Uni<Void> discard(StorageObjectRow row) {
        return deletions.discard(row.id()).onFailure().recoverWithUni(failure -> {
            LOG.warnf("could not discard failed upload %s now (the cleaner will): %s", row.id(), failure.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    private static Throwable asProblem(Throwable failure) {
        if (failure instanceof ProblemException) {
            return failure;
        }
        StoreFailure clientSide = StoreFailure.in(failure);
        if (clientSide != null) {
            return switch (clientSide.reason()) {
                case TOO_LARGE -> ProblemException.payloadTooLarge(clientSide.getMessage() + ".");
                case CLIENT_BODY_BROKEN -> ProblemException.badRequest(StorageErrors.INCOMPLETE_BODY,
                        "The request body ended before its declared length or could not be read.");
                case TOO_SLOW -> StorageErrors.uploadTooSlow(clientSide.getMessage());
            };
        }
        return failure;
    }
}
