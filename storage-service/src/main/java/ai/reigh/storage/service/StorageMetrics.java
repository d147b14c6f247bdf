package ai.reigh.storage.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * storage-service's own counters (Prometheus at {@code /q/metrics}): what confirmation copied and what the
 * staging sweep removed.
 */
@ApplicationScoped
public class StorageMetrics {
    private final Counter stagingCopies;
    private final Counter stagingSwept;

    public StorageMetrics(MeterRegistry registry) {
        stagingCopies = Counter.builder("reigh.storage.staging.copies")
                .description("Confirmed uploads copied from their staging key to their final key").register(registry);
        stagingSwept = Counter.builder("reigh.storage.staging.swept")
                .description("Staging objects removed by the sweep (no pending object within its window)")
                .register(registry);
    }

    void stagingCopied() {
        stagingCopies.increment();
    }

    void stagingSwept(int count) {
        stagingSwept.increment(count);
    }
}
