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
import ai.reigh.projects.rest.Requests.ShotPatch;
import ai.reigh.projects.rest.Views.ShotView;
import ai.reigh.projects.service.ShotService;
import io.smallrye.mutiny.Uni;

@Path("/v1/shots")
@RolesAllowed(Roles.USER)
public class ShotResource {
    private final ShotService shots;
    private final CurrentCaller caller;

    public ShotResource(ShotService shots, CurrentCaller caller) {
        this.shots = shots;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    public Uni<ShotView> get(@PathParam("id") UUID id) {
        return shots.get(caller.get(), id).map(ShotView::of);
    }

    @PATCH
    @Path("/{id}")
    public Uni<ShotView> update(@PathParam("id") UUID id, @Valid @NotNull ShotPatch body) {
        return shots.update(caller.get(), id, body.name(), body.settings()).map(ShotView::of);
    }

    /** Removes the shot and its links; the generations stay in the project. */
    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") UUID id) {
        return shots.delete(caller.get(), id).map(done -> RestResponse.noContent());
    }
}
