package ai.reigh.storage.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.config.StorageConfig;
import ai.reigh.storage.repository.StorageObjectRepository;
import ai.reigh.storage.repository.StorageObjectRow;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Deleting is two steps, in this order: the row goes to {@code deleting} (from then on the object is
 * gone for the API), then the stored bytes are removed (the staging key a presigned upload may have left,
 * and the final key) and only then the row. A store failure leaves the row in {@code deleting} with its
 * next attempt scheduled ({@link #retryDue}), so nothing is ever left behind and nothing is lost track of.
 * User deletes, project deletes (internal), expired pending uploads and failed direct uploads all take
 * this one path.
 */
@ApplicationScoped
public class DeletionService {
    private static final Logger LOG = Logger.getLogger(DeletionService.class);
    /** How long a claimed deletion is kept away from other runs while this one works on it. */
    private static final Duration CLAIM_HOLD = Duration.ofMinutes(5);

    private final Db db;
    private final StorageObjectRepository objects;
    private final ObjectStore store;
    private final Buckets buckets;
    private final StorageConfig.Maintenance maintenance;

    public DeletionService(Db db, StorageObjectRepository objects, ObjectStore store, Buckets buckets,
            StorageConfig config) {
        this.db = db;
        this.objects = objects;
        this.store = store;
        this.buckets = buckets;
        this.maintenance = config.maintenance();
    }

    /** The caller's object, gone: 404 if it is not theirs (or already going). */
    public Uni<Void> deleteOwned(Caller caller, UUID id) {
        UUID owner = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> objects.markDeletingOwned(connection, id, owner,
                firstRetryAt(Instant.now())))
                .onItem().ifNull().failWith(StorageErrors::objectNotFound)
                .chain(row -> removeAll(List.of(row)))
                .replaceWithVoid();
    }

    /** Objects whose owner data is gone (internal): unknown ids and ones already going are ignored. */
    public Uni<Void> deleteForPlatform(List<UUID> ids) {
        List<UUID> distinct = ids.stream().distinct().toList();
        return db.inTransaction(Actor.service(), connection -> objects.markDeleting(connection, distinct,
                firstRetryAt(Instant.now())))
                .chain(this::removeAll)
                .replaceWithVoid();
    }

    /**
     * A worker's upload for {@code taskId} that the task will never use (the worker's completion lost its
     * lease after the upload was confirmed): rows and bytes go. Only an object uploaded for that very
     * task is released; any other id, or one already going, is ignored.
     */
    public Uni<Void> releaseTaskOutput(UUID id, UUID taskId) {
        return db.inTransaction(Actor.service(), connection -> objects.find(connection, id))
                .chain(row -> row == null || row.isDeleting() || !taskId.equals(row.taskId())
                        ? Uni.createFrom().voidItem()
                        : deleteForPlatform(List.of(id)));
    }

    /** Pending uploads whose confirmation window closed before {@code asOf}: rows and any partial bytes. */
    public Uni<Outcome> expirePending(Instant asOf) {
        return db.inTransaction(Actor.service(), connection -> objects.expirePending(connection, asOf,
                firstRetryAt(asOf), maintenance.batchSize()))
                .chain(this::removeAll);
    }

    /** Deletions whose next attempt is due at {@code asOf}, one batch. */
    public Uni<Outcome> retryDue(Instant asOf) {
        return db.inTransaction(Actor.service(), connection -> objects.claimDueDeletions(connection, asOf,
                asOf.plus(CLAIM_HOLD), maintenance.batchSize()))
                .chain(this::removeAll);
    }

    /** A direct upload that failed: its row and whatever reached the store go at once. */
    public Uni<Void> discard(UUID id) {
        return db.inTransaction(Actor.service(), connection -> objects.markDeleting(connection, List.of(id),
                firstRetryAt(Instant.now())))
                .chain(this::removeAll)
                .replaceWithVoid();
    }

    /**
     * Removes the rows' bytes, then the rows, one at a time. The first store failure ends the pass: the
     * store is most likely down, and every remaining row already has its retry scheduled.
     */
    Uni<Outcome> removeAll(List<StorageObjectRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(new Outcome(0, 0));
        }
        int[] removed = { 0 };
        boolean[] storeFailed = { false };
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(row -> storeFailed[0] ? Uni.createFrom().voidItem()
                        : removeOne(row).invoke(done -> {
                            if (done) {
                                removed[0]++;
                            } else {
                                storeFailed[0] = true;
                            }
                        }).replaceWithVoid())
                .collect().last()
                .map(ignored -> new Outcome(removed[0], rows.size() - removed[0]));
    }

    /** True when the bytes and the row are gone; false when the store failed (the retry is recorded). */
    private Uni<Boolean> removeOne(StorageObjectRow row) {
        Buckets.Bucket bucket = buckets.find(row.bucket()).orElse(null);
        if (bucket == null) {
            LOG.errorf("object %s is in bucket %s, which is no longer configured: its deletion waits", row.id(),
                    row.bucket());
            return recordFailure(row).replaceWith(false);
        }
        return store.remove(bucket.physicalName(), ObjectKeys.staging(row.ownerId(), row.id()))
                .chain(() -> store.remove(bucket.physicalName(), row.key()))
                .chain(() -> db.inTransaction(Actor.service(), connection -> objects.deleteRow(connection, row.id())))
                .replaceWith(true)
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("deleting object %s failed (attempt %d), retried later: %s", row.id(),
                            row.deleteAttempts() + 1, failure.getMessage());
                    return recordFailure(row).replaceWith(false);
                });
    }

    private Uni<Void> recordFailure(StorageObjectRow row) {
        Duration delay = backoff(row.deleteAttempts());
        return db.inTransaction(Actor.service(), connection -> objects.deletionFailed(connection, row.id(), delay))
                .onFailure().recoverWithUni(failure -> {
                    // The row keeps its earlier schedule: the retrier still finds it.
                    LOG.warnf("could not record the failed deletion of %s: %s", row.id(), failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Base delay doubled per failed attempt, capped. */
    public Duration backoff(int failedAttempts) {
        Duration delay = maintenance.retryBaseDelay();
        for (int i = 0; i < failedAttempts && delay.compareTo(maintenance.retryMaxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maintenance.retryMaxDelay()) > 0 ? maintenance.retryMaxDelay() : delay;
    }

    private Instant firstRetryAt(Instant now) {
        return now.plus(maintenance.retryBaseDelay());
    }

    /** What a pass did: objects removed, and objects left for a later attempt. */
    public record Outcome(int removed, int deferred) {
    }
}
