package ai.reigh.storage.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.config.Buckets;
import ai.reigh.storage.service.BucketProvisioner;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Ready only when the object store answers and the buckets are provisioned: without the store, no
 * route of this service can do its work, so traffic is better sent to a replica that can.
 */
@Readiness
@ApplicationScoped
public class ObjectStoreReadiness implements AsyncHealthCheck {
    static final String NAME = "Object store";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final ObjectStore store;
    private final Buckets buckets;
    private final BucketProvisioner provisioner;

    public ObjectStoreReadiness(ObjectStore store, Buckets buckets, BucketProvisioner provisioner) {
        this.store = store;
        this.buckets = buckets;
        this.provisioner = provisioner;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!provisioner.isProvisioned()) {
            return Uni.createFrom().item(HealthCheckResponse.named(NAME).down().withData("buckets", "not provisioned").build());
        }
        String probe = buckets.taskOutputs().physicalName();
        return store.bucketExists(probe, PROBE_TIMEOUT)
                .map(exists -> exists ? HealthCheckResponse.up(NAME)
                        : HealthCheckResponse.named(NAME).down().withData("bucket", "missing").build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("store", "unreachable").build());
    }
}
