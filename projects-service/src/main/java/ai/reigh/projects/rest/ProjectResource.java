package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.rest.Requests.ProjectCreate;
import ai.reigh.projects.rest.Requests.ProjectPatch;
import ai.reigh.projects.rest.Views.ProjectView;
import ai.reigh.projects.service.ProjectService;
import io.smallrye.mutiny.Uni;

/** The caller's projects. Someone else's project is a 404, exactly like a missing one. */
@Path("/v1/projects")
@RolesAllowed(Roles.USER)
public class ProjectResource {
    private final ProjectService projects;
    private final CurrentCaller caller;

    public ProjectResource(ProjectService projects, CurrentCaller caller) {
        this.projects = projects;
        this.caller = caller;
    }

    @POST
    public Uni<RestResponse<ProjectView>> create(@Valid @NotNull ProjectCreate body) {
        return projects.create(caller.get(), body.name(), body.aspectRatio(), body.settings())
                .map(row -> RestResponse.status(Status.CREATED, ProjectView.of(row)));
    }

    /** Newest first. */
    @GET
    public Uni<Page<ProjectView>> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return projects.page(caller.get(), PageRequest.fromQuery(limit, cursor)).map(page -> QueryParams.map(page, ProjectView::of));
    }

    @GET
    @Path("/{id}")
    public Uni<ProjectView> get(@PathParam("id") UUID id) {
        return projects.get(caller.get(), id).map(ProjectView::of);
    }

    @PATCH
    @Path("/{id}")
    public Uni<ProjectView> update(@PathParam("id") UUID id, @Valid @NotNull ProjectPatch body) {
        return projects.update(caller.get(), id, body.name(), body.aspectRatio(), body.settings()).map(ProjectView::of);
    }

    @PUT
    @Path("/{id}/settings/{key}")
    @Operation(summary = "Replace one tool's project settings (the key), whole",
            description = "The body is {settings: a JSON object}; keys it lacks are removed from that tool's settings, other keys are "
                    + "untouched (the project row is locked for the write).")
    public Uni<ProjectView> replaceSettingsKey(@PathParam("id") UUID id, @PathParam("key") String key,
            @Valid @NotNull Requests.SettingsReplacement body) {
        return projects.replaceSettingsKey(caller.get(), id, key, body.settings()).map(ProjectView::of);
    }

    /** Removes its shots, links, generations and tasks; queues the deletion of their stored objects. */
    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") UUID id) {
        return projects.delete(caller.get(), id).map(done -> RestResponse.noContent());
    }
}
