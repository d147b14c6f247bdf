package ai.reigh.storage.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * storage-service's own counters (Prometheus at {@code /q/metrics} on the management port): what confirmation copied, what the
 * staging sweep removed, and the direct uploads refused or cut to protect the others.
 */
@ApplicationScoped
public class StorageMetrics {
    private final Counter stagingCopies;
    private final Counter stagingSwept;
    private final Counter uploadsRefusedPerUser;
    private final Counter uploadsCut;

    public StorageMetrics(MeterRegistry registry) {
        stagingCopies = Counter.builder("reigh.storage.staging.copies")
                .description("Confirmed uploads copied from their staging key to their final key").register(registry);
        stagingSwept = Counter.builder("reigh.storage.staging.swept")
                .description("Staging objects removed by the sweep (no pending object within its window)")
                .register(registry);
        uploadsRefusedPerUser = Counter.builder("reigh.storage.direct_uploads.refused_per_user")
                .description("Unsized direct uploads refused because the caller was at its own limit")
                .register(registry);
        uploadsCut = Counter.builder("reigh.storage.direct_uploads.too_slow")
                .description("Direct uploads cut because their body stalled or arrived too slowly").register(registry);
    }

    void stagingCopied() {
        stagingCopies.increment();
    }

    void stagingSwept(int count) {
        stagingSwept.increment(count);
    }

    void uploadRefusedPerUser() {
        uploadsRefusedPerUser.increment();
    }

    void uploadCut() {
        uploadsCut.increment();
    }
}
