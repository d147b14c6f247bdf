package ai.reigh.storage.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The periodic work, each step also callable on its own (tests drive them one step at a time with a
 * chosen "now"): provision buckets if start-up could not, turn expired pending uploads into deletions
 * (their final and staging bytes go with them), retry due deletions, sweep staging objects that no
 * pending upload awaits any more. Several replicas may run it at once: rows are claimed with SKIP
 * LOCKED, and removing an object twice is harmless.
 */
@ApplicationScoped
public class Maintenance {
    private static final Logger LOG = Logger.getLogger(Maintenance.class);

    private final BucketProvisioner provisioner;
    private final DeletionService deletions;
    private final StagingSweep staging;

    public Maintenance(BucketProvisioner provisioner, DeletionService deletions, StagingSweep staging) {
        this.provisioner = provisioner;
        this.deletions = deletions;
        this.staging = staging;
    }

    @Scheduled(identity = "storage-maintenance", every = "${reigh.storage.maintenance.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        Instant now = Instant.now();
        return provisioner.ensureBuckets()
                .chain(() -> cleanExpiredUploads(now))
                .chain(() -> retryDeletions(now))
                .chain(() -> sweepStaging(now))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("storage maintenance did not finish (next run continues): %s", failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** One batch of pending uploads whose window closed before {@code asOf}: rows and partial bytes go. */
    public Uni<DeletionService.Outcome> cleanExpiredUploads(Instant asOf) {
        return deletions.expirePending(asOf).invoke(outcome -> {
            if (outcome.removed() + outcome.deferred() > 0) {
                LOG.infof("expired uploads: %d removed, %d deferred", outcome.removed(), outcome.deferred());
            }
        });
    }

    /** One batch of deletions whose retry is due at {@code asOf}. */
    public Uni<DeletionService.Outcome> retryDeletions(Instant asOf) {
        return deletions.retryDue(asOf).invoke(outcome -> {
            if (outcome.removed() + outcome.deferred() > 0) {
                LOG.infof("deletion retries: %d removed, %d deferred", outcome.removed(), outcome.deferred());
            }
        });
    }

    /**
     * One batch per bucket of staging objects that no pending upload within its window (at {@code asOf})
     * awaits any more: confirmed, deleted, expired or unknown.
     */
    public Uni<StagingSweep.Outcome> sweepStaging(Instant asOf) {
        return staging.sweep(asOf).invoke(outcome -> {
            if (outcome.removed() > 0) {
                LOG.infof("staging sweep: %d orphaned uploads removed, %d still awaited", outcome.removed(),
                        outcome.kept());
            }
        });
    }
}
