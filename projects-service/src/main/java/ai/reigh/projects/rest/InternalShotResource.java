package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import ai.reigh.common.auth.Roles;
import ai.reigh.common.internal.ShotPairPromptsResult;
import ai.reigh.common.internal.ShotPairPromptsUpdate;
import ai.reigh.projects.service.ShotLinkService;
import io.smallrye.mutiny.Uni;

/** Shot links for tasks-service (role {@code service}; never routed by the gateway). */
@Path("/internal/v1/shots")
@RolesAllowed(Roles.SERVICE)
public class InternalShotResource {
    private final ShotLinkService links;

    public InternalShotResource(ShotLinkService links) {
        this.links = links;
    }

    /**
     * A travel orchestrator's enhanced prompts (the deployed fleet's {@code update-shot-pair-prompts}):
     * prompt i goes into {@code metadata.enhanced_prompt} of the shot's i-th positioned image link, in
     * timeline order (empty prompts skipped), in one statement acting as {@code owner_id}: a shot that is
     * not the owner's is a 404.
     */
    @POST
    @Path("/{id}/pair-prompts")
    public Uni<ShotPairPromptsResult> pairPrompts(@PathParam("id") UUID shotId, @Valid @NotNull ShotPairPromptsUpdate update) {
        return links.writePairPrompts(update.ownerId(), shotId, update.enhancedPrompts());
    }
}
