package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.projects.rest.Requests.GenerationPatch;
import ai.reigh.projects.rest.Views.GenerationView;
import ai.reigh.projects.service.GenerationService;
import io.smallrye.mutiny.Uni;

@Path("/v1/generations")
@RolesAllowed(Roles.USER)
public class GenerationResource {
    private final GenerationService generations;
    private final CurrentCaller caller;

    public GenerationResource(GenerationService generations, CurrentCaller caller) {
        this.generations = generations;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    public Uni<GenerationView> get(@PathParam("id") UUID id) {
        return generations.get(caller.get(), id).map(GenerationView::of);
    }

    /** {@code metadata} is a JSON merge patch. */
    @PATCH
    @Path("/{id}")
    public Uni<GenerationView> update(@PathParam("id") UUID id, @Valid @NotNull GenerationPatch body) {
        return generations.update(caller.get(), id, body.name(), body.starred(), body.metadata())
                .map(GenerationView::of);
    }

    /** Removes its shot links too; its stored object is queued for deletion unless still used. */
    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") UUID id) {
        return generations.delete(caller.get(), id).map(done -> RestResponse.noContent());
    }
}
