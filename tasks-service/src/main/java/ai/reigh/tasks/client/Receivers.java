package ai.reigh.tasks.client;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import ai.reigh.common.internal.ChargeRequest;
import ai.reigh.common.internal.GenerationFromTask;
import io.smallrye.mutiny.Uni;

/**
 * The outbox relay's receivers, with a timeout and a circuit breaker each (a receiver that is down
 * is then skipped quickly until it answers again; the relay's own backoff spaces the retries). No
 * {@code @Retry}: the relay is the retry, durable across restarts.
 */
@ApplicationScoped
public class Receivers {
    private final ProjectsInternalApi projects;
    private final CreditsInternalApi credits;

    public Receivers(@RestClient ProjectsInternalApi projects, @RestClient CreditsInternalApi credits) {
        this.projects = projects;
        this.credits = credits;
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = DeliveryRejected.class)
    public Uni<Void> deliverGeneration(GenerationFromTask generation) {
        return projects.createFromTask(generation).replaceWithVoid().onFailure().transform(Receivers::classify);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = DeliveryRejected.class)
    public Uni<Void> deliverCharge(ChargeRequest charge) {
        return credits.charge(charge).replaceWithVoid().onFailure().transform(Receivers::classify);
    }

    /** 4xx (but 408/429) is the receiver's final word; anything else may pass with time. */
    static Throwable classify(Throwable failure) {
        if (failure instanceof WebApplicationException web && web.getResponse() != null) {
            int status = web.getResponse().getStatus();
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                return new DeliveryRejected(status, "refused with " + status);
            }
        }
        return failure;
    }
}
