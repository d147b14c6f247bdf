package ai.reigh.projects.client;

import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import ai.reigh.common.internal.ObjectDeletions;
import ai.reigh.common.internal.StorageObjectView;
import io.smallrye.mutiny.Uni;

/**
 * The calls to storage-service, each bounded in time and guarded by a circuit breaker so that a down
 * or frozen storage-service costs a request at most a few seconds (then 503) and, once the breaker is
 * open, nothing. Both calls are idempotent, so both retry once. Callers pass the results through
 * {@code Downstream.call}. The limits can be tuned per method with MicroProfile Fault Tolerance
 * configuration ({@code ai.reigh.projects.client.StorageClient/findObject/Timeout/value=...}).
 */
@ApplicationScoped
public class StorageClient {
    public static final String SERVICE = "storage-service";

    private final StorageInternalApi api;

    public StorageClient(@RestClient StorageInternalApi api) {
        this.api = api;
    }

    /**
     * The object, or empty when storage-service has no such object (a 404 is an answer, not a
     * failure: it neither trips the breaker nor is retried).
     */
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 100, jitter = 50)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Optional<StorageObjectView>> findObject(UUID id) {
        return api.object(id).map(Optional::ofNullable)
                .onFailure(StorageClient::isNotFound).recoverWithItem(Optional.empty());
    }

    /** At most 500 ids per call (storage-service's limit); the relay sends smaller batches. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 200, jitter = 100)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS)
    public Uni<Void> deleteObjects(ObjectDeletions deletions) {
        return api.delete(deletions);
    }

    private static boolean isNotFound(Throwable failure) {
        return failure instanceof WebApplicationException web && web.getResponse() != null
                && web.getResponse().getStatus() == 404;
    }
}
