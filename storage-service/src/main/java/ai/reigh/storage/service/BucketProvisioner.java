package ai.reigh.storage.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.config.Buckets;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Creates the configured buckets when they are missing and sets their read policy: public-read for
 * public buckets, none for private ones (a policy left on the training-data bucket would publish it).
 * Runs at start; if the store is not reachable yet the service starts anyway, stays not-ready, and the
 * maintenance job tries again.
 */
@ApplicationScoped
public class BucketProvisioner {
    private static final Logger LOG = Logger.getLogger(BucketProvisioner.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);

    private final ObjectStore store;
    private final Buckets buckets;
    private volatile boolean provisioned;

    public BucketProvisioner(ObjectStore store, Buckets buckets) {
        this.store = store;
        this.buckets = buckets;
    }

    void atStart(@Observes StartupEvent start) {
        try {
            ensureBuckets().await().atMost(STARTUP_WAIT);
        } catch (RuntimeException failure) {
            LOG.warnf("buckets not provisioned at start (retried by maintenance): %s", failure.getMessage());
        }
    }

    public boolean isProvisioned() {
        return provisioned;
    }

    /** Provisions once; later calls do nothing. */
    public Uni<Void> ensureBuckets() {
        if (provisioned) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(buckets.all())
                .onItem().transformToUniAndConcatenate(this::provision)
                .collect().last()
                .invoke(() -> provisioned = true)
                .replaceWithVoid();
    }

    private Uni<Void> provision(Buckets.Bucket bucket) {
        return store.createBucketIfMissing(bucket.physicalName())
                .invoke(created -> {
                    if (Boolean.TRUE.equals(created)) {
                        LOG.infof("created bucket %s (S3 bucket %s)", bucket.name(), bucket.physicalName());
                    }
                })
                .chain(() -> store.applyReadPolicy(bucket.physicalName(), bucket.publicRead()))
                .invoke(outcome -> {
                    String visibility = bucket.publicRead() ? "public" : "private";
                    switch (outcome) {
                        case APPLIED -> LOG.debugf("bucket %s: %s read policy applied", bucket.name(), visibility);
                        case NOT_SUPPORTED -> LOG.infof("the store does not implement bucket policies: bucket %s is %s"
                                + " through this service only", bucket.name(), visibility);
                        case NOT_PERMITTED -> LOG.warnf("not allowed to manage the policy of bucket %s (S3 bucket %s):"
                                + " the deployment must make it %s", bucket.name(), bucket.physicalName(), visibility);
                    }
                })
                .replaceWithVoid();
    }
}
