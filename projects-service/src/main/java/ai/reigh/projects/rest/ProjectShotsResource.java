package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.projects.rest.Requests.ShotCreate;
import ai.reigh.projects.rest.Requests.ShotOrder;
import ai.reigh.projects.rest.Views.ShotView;
import ai.reigh.projects.service.ShotService;
import io.smallrye.mutiny.Uni;

/**
 * A project's shots. The list is complete (at most the per-project cap) and ordered by {@code order},
 * so it is answered whole as {@code {items, next_cursor: null}}: the shot editor needs all of them,
 * and a reorder must name all of them.
 */
@Path("/v1/projects/{projectId}/shots")
@RolesAllowed(Roles.USER)
public class ProjectShotsResource {
    private final ShotService shots;
    private final CurrentCaller caller;

    public ProjectShotsResource(ShotService shots, CurrentCaller caller) {
        this.shots = shots;
        this.caller = caller;
    }

    /** The new shot goes after the last one ({@code order} = last + 1). */
    @POST
    public Uni<RestResponse<ShotView>> create(@PathParam("projectId") UUID projectId, @Valid @NotNull ShotCreate body) {
        return shots.create(caller.get(), projectId, body.name(), body.settings())
                .map(row -> RestResponse.status(Status.CREATED, ShotView.of(row)));
    }

    @GET
    public Uni<Page<ShotView>> list(@PathParam("projectId") UUID projectId) {
        return shots.list(caller.get(), projectId).map(rows -> new Page<>(rows.stream().map(ShotView::of).toList(), null));
    }

    /** Renumbers 0..n-1 in the given order, atomically; the list must be exactly the project's shots. */
    @PUT
    @Path("/order")
    public Uni<Page<ShotView>> reorder(@PathParam("projectId") UUID projectId, @Valid @NotNull ShotOrder body) {
        return shots.reorder(caller.get(), projectId, body.shotIds())
                .map(rows -> new Page<>(rows.stream().map(ShotView::of).toList(), null));
    }
}
