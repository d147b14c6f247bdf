package ai.reigh.storage.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.PageRequest;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.repository.StorageObjectRepository;
import ai.reigh.storage.repository.StorageObjectRow;
import io.smallrye.mutiny.Uni;

/** Reading objects: the owner's own (someone else's is a 404, like a missing one), and any for the platform. */
@ApplicationScoped
public class ObjectQueries {
    private final Db db;
    private final StorageObjectRepository objects;
    private final Buckets buckets;

    public ObjectQueries(Db db, StorageObjectRepository objects, Buckets buckets) {
        this.db = db;
        this.objects = objects;
        this.buckets = buckets;
    }

    public Uni<StorageObjectRow> owned(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> objects.findOwned(connection, id, caller.requireUserId()))
                .onItem().ifNull().failWith(StorageErrors::objectNotFound);
    }

    /** Newest first; {@code bucket} null for all buckets. Objects being deleted are not listed. */
    public Uni<List<StorageObjectRow>> ownedPage(Caller caller, String bucket, PageRequest page) {
        if (bucket != null && buckets.find(bucket).isEmpty()) {
            throw ProblemException.validation("bucket", "is not a bucket");
        }
        return db.inTransaction(caller.asUser(),
                connection -> objects.listOwned(connection, caller.requireUserId(), bucket, page));
    }

    /** Any owner's object (internal callers check owner, bucket and status themselves). */
    public Uni<StorageObjectRow> forPlatform(UUID id) {
        return db.inTransaction(Actor.service(), connection -> objects.find(connection, id))
                .map(row -> row == null || row.isDeleting() ? null : row)
                .onItem().ifNull().failWith(StorageErrors::objectNotFound);
    }
}
