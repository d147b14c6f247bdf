package ai.reigh.storage.client;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.TaskLeaseView;
import io.smallrye.mutiny.Uni;

/**
 * tasks-service as storage-service needs it: "does this token hold this task's lease?". A refusal
 * (404, 409 {@code lease_lost}) is an answer, passed on with its code and never retried or counted
 * against the circuit; an unreachable, slow or failing tasks-service is retried briefly (the call is a
 * read) and then a 503.
 */
@ApplicationScoped
public class TasksClient {
    static final String SERVICE = "tasks-service";

    private final TasksInternalApi api;

    public TasksClient(@RestClient TasksInternalApi api) {
        this.api = api;
    }

    public Uni<TaskLeaseView> currentLease(UUID taskId, String leaseToken) {
        return Downstream.call(SERVICE, () -> guardedLease(taskId, leaseToken));
    }

    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, abortOn = ProblemException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = ProblemException.class)
    Uni<TaskLeaseView> guardedLease(UUID taskId, String leaseToken) {
        return api.lease(taskId, leaseToken).onFailure(TasksClient::isRefusal)
                .transform(refusal -> Downstream.translate(SERVICE, refusal));
    }

    /** tasks-service said no (4xx): an answer for the caller, not a failure of tasks-service. */
    static boolean isRefusal(Throwable failure) {
        return failure instanceof WebApplicationException web && web.getResponse() != null
                && web.getResponse().getStatus() >= 400 && web.getResponse().getStatus() < 500;
    }
}
