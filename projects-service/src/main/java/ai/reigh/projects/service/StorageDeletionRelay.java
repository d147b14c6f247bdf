package ai.reigh.projects.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.client.Downstream;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.internal.ObjectDeletions;
import ai.reigh.projects.client.StorageClient;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.StorageDeletionOutboxRepository;
import ai.reigh.projects.repository.StorageDeletionOutboxRepository.ClaimedDeletion;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Delivers {@code storage_deletion_outbox} to storage-service until it acknowledges, so that deleting
 * a project (or a generation, resource or training video) never waits on storage and never loses the
 * object deletion when storage is down.
 *
 * <p>Safe on any number of replicas without a leader: a step claims due rows with
 * {@code FOR UPDATE SKIP LOCKED} and pushes their {@code next_attempt_at} past the claim duration in
 * that short transaction, so no other replica sees them while this one calls storage-service (no
 * transaction is held across the call). A failed call reschedules them with exponential backoff
 * (capped); a replica dying mid-step only delays its rows until the claim runs out. storage-service's
 * deletion is idempotent, so a row delivered twice does no harm.
 *
 * <p>Tests drive it step by step through {@link #deliverDue()}, or a scheduled run through
 * {@link #run()} (the schedule itself is off in tests).
 */
@ApplicationScoped
public class StorageDeletionRelay {
    private static final Logger LOG = Logger.getLogger(StorageDeletionRelay.class);

    /** What one step did. */
    public record Step(int delivered, int failed, int pruned) {
    }

    private final Db db;
    private final StorageDeletionOutboxRepository outbox;
    private final StorageClient storage;
    private final ProjectsConfig.StorageDeletions settings;

    public StorageDeletionRelay(Db db, StorageDeletionOutboxRepository outbox, StorageClient storage,
            ProjectsConfig config) {
        this.db = db;
        this.outbox = outbox;
        this.storage = storage;
        this.settings = config.storageDeletions();
    }

    @Scheduled(identity = "storage-deletion-relay", every = "${reigh.projects.storage-deletions.interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> run() {
        return drain(settings.stepsPerRun())
                .onFailure().invoke(failure -> LOG.warnf("storage deletion relay step failed: %s", failure))
                .onFailure().recoverWithNull();
    }

    /** Steps again while the last one delivered a full batch (a backlog), at most {@code stepsLeft} times. */
    private Uni<Void> drain(int stepsLeft) {
        return deliverDue().chain(step -> stepsLeft > 1 && step.failed() == 0
                && step.delivered() >= settings.batchSize() ? drain(stepsLeft - 1) : Uni.createFrom().voidItem());
    }

    /** One bounded step: claim up to a batch of due rows, deliver them in one call, record the outcome. */
    public Uni<Step> deliverDue() {
        return db.inTransaction(Actor.service(),
                connection -> outbox.claimDue(connection, settings.batchSize(), settings.claimDuration()))
                .chain(claimed -> claimed.isEmpty() ? Uni.createFrom().item(new Step(0, 0, 0)) : deliver(claimed))
                .chain(step -> db.inTransaction(Actor.service(),
                        connection -> outbox.pruneDelivered(connection, settings.keepDelivered(), settings.pruneBatchSize()))
                        .map(pruned -> new Step(step.delivered(), step.failed(), pruned)));
    }

    private Uni<Step> deliver(List<ClaimedDeletion> claimed) {
        Long[] ids = claimed.stream().map(ClaimedDeletion::id).toArray(Long[]::new);
        List<UUID> objectIds = claimed.stream().map(ClaimedDeletion::objectId).distinct().toList();
        return Downstream.<Void>call(StorageClient.SERVICE, () -> storage.deleteObjects(new ObjectDeletions(objectIds)))
                .chain(() -> db.inTransaction(Actor.service(), connection -> outbox.markDelivered(connection, ids)))
                .map(delivered -> new Step(delivered, 0, 0))
                .onFailure().recoverWithUni(failure -> {
                    int attempts = claimed.stream().mapToInt(ClaimedDeletion::attempts).max().orElse(1);
                    LOG.warnf("storage deletion of %d objects failed (attempt %d), will retry: %s", objectIds.size(),
                            attempts, failure.getMessage());
                    return db.inTransaction(Actor.service(), connection -> outbox.reschedule(connection, ids,
                            settings.firstRetryDelay(), settings.maxRetryDelay(), String.valueOf(failure.getMessage())))
                            .map(rescheduled -> new Step(0, rescheduled, 0));
                });
    }
}
