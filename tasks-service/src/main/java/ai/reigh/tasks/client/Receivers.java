package ai.reigh.tasks.client;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * The outbox relay's receivers, with a timeout and a circuit breaker each (a receiver that is down
 * is then skipped quickly until it answers again; the relay's own backoff spaces the retries). No
 * {@code @Retry}: the relay is the retry, durable across restarts.
 *
 * <p>Payloads are sent as stored: the relay does not read them into this release's types, which would
 * drop the fields a newer release added (see {@code ai.reigh.common.internal}).
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
            skipOn = DeliveryRefused.class)
    public Uni<Void> deliverGeneration(JsonNode generation) {
        return projects.createFromTask(generation).replaceWithVoid().onFailure()
                .transform(failure -> classify("projects-service", failure));
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = DeliveryRefused.class)
    public Uni<Void> deliverCharge(JsonNode charge) {
        return credits.charge(charge).replaceWithVoid().onFailure().transform(failure -> classify("credits-service", failure));
    }

    /**
     * 4xx (but 408/429) is the receiver's word on this payload: a refusal, carrying its status, problem
     * code and detail for the admin who will look at the parked row. Anything else may pass with time.
     */
    static Throwable classify(String receiver, Throwable failure) {
        if (failure instanceof WebApplicationException web && web.getResponse() != null) {
            int status = web.getResponse().getStatus();
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                Throwable problem = Downstream.translate(receiver, failure);
                String reason = problem instanceof ProblemException refusal
                        ? " " + refusal.code() + ": " + refusal.getMessage() + fieldErrors(refusal) : "";
                return new DeliveryRefused(status, receiver + " refused with " + status + reason);
            }
        }
        return failure;
    }

    private static String fieldErrors(ProblemException refusal) {
        return refusal.errors().isEmpty() ? "" : " " + refusal.errors().stream()
                .map(error -> error.field() + ": " + error.message()).toList();
    }
}
