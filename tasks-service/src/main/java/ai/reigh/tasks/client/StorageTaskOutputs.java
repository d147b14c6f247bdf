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
import ai.reigh.common.internal.StorageObjectView;
import ai.reigh.common.internal.TaskOutputByKey;
import ai.reigh.common.internal.TaskOutputTicket;
import ai.reigh.common.internal.TaskOutputUpload;
import io.smallrye.mutiny.Uni;

/**
 * storage-service's task outputs for the fleet's protocol: bytes stored for a task (inline
 * completions), an upload URL without a declared size (generate-upload-url), and the confirmation of an
 * upload by its key (completion by storage_path). Each with a timeout and a circuit breaker; a 4xx keeps
 * its status and code and does not count against the breaker (callers pass the rest through
 * {@link Downstream#call}: a 503).
 */
@ApplicationScoped
public class StorageTaskOutputs {
    private final StorageTaskOutputsApi storage;

    public StorageTaskOutputs(@RestClient StorageTaskOutputsApi storage) {
        this.storage = storage;
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = ProblemException.class)
    public Uni<StorageObjectView> store(UUID taskId, UUID ownerId, String filename, byte[] bytes) {
        return storage.store(taskId, ownerId, filename, bytes).onFailure(StorageTaskOutputs::isClientError)
                .transform(failure -> Downstream.translate("storage-service", failure));
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = ProblemException.class)
    public Uni<TaskOutputTicket> presign(UUID taskId, UUID ownerId, String filename, String contentType) {
        return storage.presign(new TaskOutputUpload(taskId, ownerId, filename, contentType))
                .onFailure(StorageTaskOutputs::isClientError)
                .transform(failure -> Downstream.translate("storage-service", failure));
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = ProblemException.class)
    public Uni<StorageObjectView> confirmKey(UUID taskId, UUID ownerId, String key) {
        return storage.confirmKey(new TaskOutputByKey(taskId, ownerId, key))
                .onFailure(StorageTaskOutputs::isClientError)
                .transform(failure -> Downstream.translate("storage-service", failure));
    }

    private static boolean isClientError(Throwable failure) {
        return failure instanceof WebApplicationException web && web.getResponse() != null
                && web.getResponse().getStatus() >= 400 && web.getResponse().getStatus() < 500;
    }
}
