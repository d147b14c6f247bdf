package ai.reigh.tasks.client;

import java.util.UUID;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import ai.reigh.common.auth.ServiceAuthHeaders;
import ai.reigh.common.internal.ShotPairPromptsResult;
import ai.reigh.common.internal.ShotPairPromptsUpdate;
import io.smallrye.mutiny.Uni;

/** projects-service's internal shot routes: the enhanced pair prompts of a shot's positioned links. */
@RegisterRestClient(configKey = "projects")
@RegisterClientHeaders(ServiceAuthHeaders.class)
@Path("/internal/v1/shots")
public interface ProjectsShotsApi {
    @POST
    @Path("/{id}/pair-prompts")
    Uni<ShotPairPromptsResult> pairPrompts(@PathParam("id") UUID shotId, ShotPairPromptsUpdate update);
}
