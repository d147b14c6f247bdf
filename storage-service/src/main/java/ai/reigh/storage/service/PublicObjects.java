package ai.reigh.storage.service;

import java.io.IOException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.config.StorageConfig;
import ai.reigh.storage.repository.StorageObjectRepository;
import ai.reigh.storage.repository.StorageObjectRow;
import io.minio.GetObjectResponse;
import io.smallrye.mutiny.Uni;

/**
 * The public route's reads: only ready objects of public-read buckets exist here. A private bucket's
 * object, a pending upload or a key this service never built is a 404, whoever asks. The task-output
 * bucket is also reachable under the name the deployed GPU fleet builds its URLs with
 * ({@code reigh.storage.task-output-alias}, {@code image_uploads}); a pending task output found there
 * may be confirmed on this first read ({@link TaskOutputs#confirmOnRead}: the fleet's intermediate files).
 */
@ApplicationScoped
public class PublicObjects {
    private static final Logger LOG = Logger.getLogger(PublicObjects.class);

    private final Db db;
    private final StorageObjectRepository objects;
    private final ObjectStore store;
    private final Buckets buckets;
    private final TaskOutputs taskOutputs;
    private final String taskOutputAlias;

    public PublicObjects(Db db, StorageObjectRepository objects, ObjectStore store, Buckets buckets,
            TaskOutputs taskOutputs, StorageConfig config) {
        this.db = db;
        this.objects = objects;
        this.store = store;
        this.buckets = buckets;
        this.taskOutputs = taskOutputs;
        this.taskOutputAlias = config.taskOutputAlias();
    }

    /** The servable object's row (HEAD, and the first step of a GET). */
    public Uni<StorageObjectRow> find(String requestedBucket, String key) {
        String bucketName = taskOutputAlias.equals(requestedBucket) ? buckets.taskOutputs().name() : requestedBucket;
        Optional<Buckets.Bucket> bucket = buckets.find(bucketName).filter(Buckets.Bucket::publicRead);
        if (bucket.isEmpty() || !ObjectKeys.isWellFormed(key)) {
            return Uni.createFrom().failure(StorageErrors.objectNotFound());
        }
        return db.inTransaction(Actor.service(), connection -> objects.findServable(connection, bucketName, key))
                .onItem().ifNull().switchTo(() -> taskOutputs.confirmOnRead(bucketName, key));
    }

    /**
     * Opens the bytes (all, or one range) of a servable object; the caller streams and closes them. The
     * answer's length comes from the row, so the store must send exactly that many bytes: anything else
     * (which nothing can write, since no URL is ever handed out for a final key) is not served.
     */
    public Uni<GetObjectResponse> open(StorageObjectRow row, ByteRange range) {
        Buckets.Bucket bucket = buckets.find(row.bucket()).orElseThrow(StorageErrors::objectNotFound);
        long expectedBytes = range == null ? row.sizeBytes() : range.length();
        return store.open(bucket.physicalName(), row.key(), range == null ? null : range.first(),
                range == null ? null : range.length())
                .map(opened -> {
                    GetObjectResponse bytes = opened.orElseThrow(() -> {
                        LOG.errorf("object %s is ready but its bytes are missing from the store", row.id());
                        return StorageErrors.objectNotFound();
                    });
                    String stored = bytes.headers().get("Content-Length");
                    if (stored == null || !stored.equals(Long.toString(expectedBytes))) {
                        closeQuietly(bytes);
                        LOG.errorf("object %s: the store sends %s bytes where the row says %d; not served", row.id(),
                                stored, expectedBytes);
                        throw StorageErrors.objectNotFound();
                    }
                    return bytes;
                });
    }

    private static void closeQuietly(GetObjectResponse bytes) {
        try {
            bytes.close();
        } catch (IOException | RuntimeException closing) {
            LOG.debugf("closing an unserved object stream failed: %s", closing.getMessage());
        }
    }
}
