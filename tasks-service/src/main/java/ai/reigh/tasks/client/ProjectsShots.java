package ai.reigh.tasks.client;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ShotPairPromptsResult;
import ai.reigh.common.internal.ShotPairPromptsUpdate;
import io.smallrye.mutiny.Uni;

/** projects-service's shot links for the fleet's protocol (a timeout and a circuit breaker; 4xx kept). */
@ApplicationScoped
public class ProjectsShots {
    private final ProjectsShotsApi projects;

    public ProjectsShots(@RestClient ProjectsShotsApi projects) {
        this.projects = projects;
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = ProblemException.class)
    public Uni<ShotPairPromptsResult> pairPrompts(UUID shotId, UUID ownerId, List<String> enhancedPrompts) {
        return projects.pairPrompts(shotId, new ShotPairPromptsUpdate(ownerId, enhancedPrompts))
                .onFailure(failure -> failure instanceof WebApplicationException web && web.getResponse() != null
                        && web.getResponse().getStatus() >= 400 && web.getResponse().getStatus() < 500)
                .transform(failure -> Downstream.translate("projects-service", failure));
    }
}
