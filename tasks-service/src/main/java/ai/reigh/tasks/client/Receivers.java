package ai.reigh.tasks.client;

import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ChargeBatch;
import ai.reigh.common.internal.ChargeBatchResult;
import ai.reigh.common.internal.ChargeOutcome;
import ai.reigh.common.internal.GenerationBatch;
import ai.reigh.common.internal.GenerationBatchResult;
import ai.reigh.common.internal.GenerationOutcome;
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

    /**
     * Generations in one call (a {@link GenerationBatch}, with each one's stored trace context): one
     * outcome per generation, in order, each written in its own transaction by the receiver; a refusal of the whole call (an older
     * projects-service without the batch route answers 404) is a {@link DeliveryRefused}, as for charges.
     */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = DeliveryRefused.class)
    public Uni<List<GenerationOutcome>> deliverGenerations(List<JsonNode> generations, List<String> traceparents) {
        return projects.createAllFromTasks(new GenerationBatch(generations, traceparents))
                .map(GenerationBatchResult::results)
                .onFailure().transform(failure -> classify("projects-service", failure));
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = DeliveryRefused.class)
    public Uni<Void> deliverCharge(JsonNode charge) {
        return credits.charge(charge).replaceWithVoid().onFailure().transform(failure -> classify("credits-service", failure));
    }

    /**
     * Charges in one call (a {@link ChargeBatch}): one outcome per charge, in order. The call as a whole
     * fails like a single delivery; a refusal of the whole batch (an older credits-service without the
     * batch route answers 404) is a {@link DeliveryRefused} the relay answers by delivering one by one.
     */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = DeliveryRefused.class)
    public Uni<List<ChargeOutcome>> deliverCharges(List<JsonNode> charges) {
        return credits.chargeAll(new ChargeBatch(charges)).map(ChargeBatchResult::results).onFailure()
                .transform(failure -> classify("credits-service", failure));
    }

    /**
     * 4xx (but 408/429) is the receiver's word on this payload: a refusal, carrying its status, problem
     * code and detail for the admin who will look at the parked row. Anything else may pass with time.
     */
    static Throwable classify(String receiver, Throwable failure) {
        if (failure instanceof WebApplicationException web && web.getResponse() != null) {
            int status = web.getResponse().getStatus();
            if (isRefusal(status)) {
                Throwable problem = Downstream.translate(receiver, failure);
                return problem instanceof ProblemException refusal
                        ? refused(receiver, status, refusal.code(), refusal.getMessage(), refusal.errors())
                        : new DeliveryRefused(status, receiver + " refused with " + status);
            }
        }
        return failure;
    }

    public static boolean isRefusal(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }

    /** A refusal as the admin reads it on the parked row: status, problem code, detail, the fields at fault. */
    public static DeliveryRefused refused(String receiver, int status, String code, String detail, List<FieldError> errors) {
        String fields = errors == null || errors.isEmpty() ? ""
                : " " + errors.stream().map(error -> error.field() + ": " + error.message()).toList();
        return new DeliveryRefused(status, receiver + " refused with " + status + " " + code + ": " + detail + fields);
    }
}
