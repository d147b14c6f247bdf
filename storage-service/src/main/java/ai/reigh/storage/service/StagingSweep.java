package ai.reigh.storage.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

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
 * Removes the staging objects ({@code staging/{owner}/{object}}) that no longer belong to a pending upload
 * within its window: the object was confirmed (its bytes now live under the final key), deleted or expired,
 * or its row is gone altogether (a PUT to an old upload URL after a delete). Nothing else ever reads them;
 * this keeps them from piling up unaccounted for.
 *
 * <p>Each run looks at up to {@code batch-size} staging keys per bucket, continuing after the last key the
 * previous run looked at (a cursor per bucket, in memory, starting over once a listing is exhausted), so
 * uploads still waiting for their confirmation never keep the sweep from reaching what lies after them. A
 * replica's sweep does not coordinate with another's: removing an object twice is harmless.
 */
@ApplicationScoped
public class StagingSweep {
    private final Db db;
    private final StorageObjectRepository objects;
    private final ObjectStore store;
    private final Buckets buckets;
    private final StorageMetrics metrics;
    private final int batchSize;
    private final Map<String, String> cursors = new ConcurrentHashMap<>();

    public StagingSweep(Db db, StorageObjectRepository objects, ObjectStore store, Buckets buckets,
            StorageMetrics metrics, StorageConfig config) {
        this.db = db;
        this.objects = objects;
        this.store = store;
        this.buckets = buckets;
        this.metrics = metrics;
        this.batchSize = config.maintenance().batchSize();
    }

    /** One batch per bucket, judged at {@code asOf} (an upload whose window closed by then is not waited for). */
    public Uni<Outcome> sweep(Instant asOf) {
        return Multi.createFrom().iterable(buckets.all())
                .onItem().transformToUniAndConcatenate(bucket -> sweep(bucket, asOf))
                .collect().asList()
                .map(outcomes -> new Outcome(outcomes.stream().mapToInt(Outcome::removed).sum(),
                        outcomes.stream().mapToInt(Outcome::kept).sum()));
    }

    private Uni<Outcome> sweep(Buckets.Bucket bucket, Instant asOf) {
        String physical = bucket.physicalName();
        return store.list(physical, ObjectKeys.STAGING_PREFIX, cursors.get(physical), batchSize).chain(keys -> {
            if (keys.size() < batchSize) {
                cursors.remove(physical);
            } else {
                cursors.put(physical, keys.get(keys.size() - 1));
            }
            Map<String, ObjectKeys.StagedUpload> staged = new HashMap<>();
            for (String key : keys) {
                ObjectKeys.stagedUpload(key).ifPresent(upload -> staged.put(key, upload));
            }
            List<UUID> ids = staged.values().stream().map(ObjectKeys.StagedUpload::objectId).distinct().toList();
            Uni<List<StorageObjectRow>> rows = ids.isEmpty() ? Uni.createFrom().item(List.of())
                    : db.inTransaction(Actor.service(), connection -> objects.findAll(connection, ids));
            return rows.chain(found -> {
                Map<UUID, StorageObjectRow> byId = new HashMap<>();
                found.forEach(row -> byId.put(row.id(), row));
                List<String> orphans = new ArrayList<>();
                for (String key : keys) {
                    Optional<ObjectKeys.StagedUpload> upload = Optional.ofNullable(staged.get(key));
                    StorageObjectRow row = upload.map(u -> byId.get(u.objectId())).orElse(null);
                    if (!awaitsConfirmation(bucket, upload.orElse(null), row, asOf)) {
                        orphans.add(key);
                    }
                }
                return removeAll(physical, orphans).map(removed -> new Outcome(removed, keys.size() - removed));
            });
        });
    }

    /** The only staging objects kept: those of an upload still pending in this bucket, within its window. */
    private static boolean awaitsConfirmation(Buckets.Bucket bucket, ObjectKeys.StagedUpload upload,
            StorageObjectRow row, Instant asOf) {
        return upload != null && row != null && row.isPending() && row.ownerId().equals(upload.ownerId())
                && row.bucket().equals(bucket.name()) && row.expiresAt() != null && row.expiresAt().isAfter(asOf);
    }

    /** One at a time; a store failure ends the run (the next run lists them again). */
    private Uni<Integer> removeAll(String physical, List<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(keys)
                .onItem().transformToUniAndConcatenate(key -> store.remove(physical, key).replaceWith(key))
                .collect().asList()
                .map(removed -> {
                    metrics.stagingSwept(removed.size());
                    return removed.size();
                });
    }

    /** What a run did: staging objects removed, and staging objects kept (still awaited). */
    public record Outcome(int removed, int kept) {
    }
}
