package ai.reigh.tasks.client;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ConfirmTaskOutput;
import ai.reigh.common.internal.StorageObjectView;
import io.smallrye.mutiny.Uni;

/**
 * Confirms a worker's upload during completion, with a timeout and a circuit breaker. A 4xx from
 * storage-service becomes a problem with its status and code (409: the bytes are missing or wrong;
 * the task then stays In Progress) and does not count against the breaker; callers pass the rest
 * through {@link Downstream#call} (a 503).
 */
@ApplicationScoped
public class StorageConfirmations {
    private final StorageInternalApi storage;

    public StorageConfirmations(@RestClient StorageInternalApi storage) {
        this.storage = storage;
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = ProblemException.class)
    public Uni<StorageObjectView> confirm(UUID objectId, UUID taskId) {
        return storage.confirm(objectId, new ConfirmTaskOutput(taskId)).onFailure(StorageConfirmations::isClientError)
                .transform(failure -> Downstream.translate("storage-service", failure));
    }

    /**
     * The upload of a worker whose completion lost its lease: the task will never use it, so
     * storage-service deletes it (only if it was uploaded for this task). Best effort: it is called
     * on the way to a 409 that the worker must get whatever happens here.
     */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public Uni<Void> release(UUID objectId, UUID taskId) {
        return storage.release(objectId, new ConfirmTaskOutput(taskId));
    }

    private static boolean isClientError(Throwable failure) {
        return failure instanceof WebApplicationException web && web.getResponse() != null
                && web.getResponse().getStatus() >= 400 && web.getResponse().getStatus() < 500;
    }
}
