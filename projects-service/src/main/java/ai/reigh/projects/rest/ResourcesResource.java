package ai.reigh.projects.rest;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.rest.Requests.ResourceCreate;
import ai.reigh.projects.rest.Requests.ResourcePatch;
import ai.reigh.projects.rest.Views.ResourceView;
import ai.reigh.projects.service.ResourceService;
import ai.reigh.projects.service.ResourceService.Scope;
import io.smallrye.mutiny.Uni;

/**
 * Resources (LoRA models and others). Reads: the owner's and every public one. Writes: the owner's
 * only; someone else's public resource answers 403, any other foreign one 404.
 */
@Path("/v1/resources")
@RolesAllowed(Roles.USER)
public class ResourcesResource {
    private final ResourceService resources;
    private final CurrentCaller caller;

    public ResourcesResource(ResourceService resources, CurrentCaller caller) {
        this.resources = resources;
        this.caller = caller;
    }

    /** From a {@code url}, or a ready {@code object_id} of the caller in bucket lora_files or public. */
    @POST
    public Uni<RestResponse<ResourceView>> create(@Valid @NotNull ResourceCreate body) {
        return resources.create(caller.get(), body.type(), body.name(), body.url(), body.objectId(), body.metadata(),
                Boolean.TRUE.equals(body.isPublic()))
                .map(row -> RestResponse.status(Status.CREATED, ResourceView.of(row)));
    }

    /** {@code scope=mine} (default): the caller's; {@code scope=public}: everyone's public ones. */
    @GET
    public Uni<Page<ResourceView>> list(@QueryParam("scope") String scope, @QueryParam("type") String type,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Scope chosen = Scope.valueOf(QueryParams.oneOf("scope", scope == null ? "mine" : scope, Set.of("mine", "public"))
                .toUpperCase(Locale.ROOT));
        if (type != null && !type.matches(Requests.RESOURCE_TYPE)) {
            throw ProblemException.validation("type", "must be 1-50 of a-z, 0-9, _ and -");
        }
        return resources.page(caller.get(), chosen, type, PageRequest.fromQuery(limit, cursor))
                .map(page -> QueryParams.map(page, ResourceView::of));
    }

    @POST
    @Path("/batch-get")
    @Operation(summary = "Several resources at once",
            description = "{ids: [1..200]} → {items, next_cursor: null} in the order asked: the caller's and public "
                    + "ones; others' private ones and unknown ids are simply absent.")
    public Uni<Page<ResourceView>> batchGet(@Valid @NotNull Requests.ResourceBatchGet body) {
        return resources.batchGet(caller.get(), body.ids())
                .map(rows -> new Page<>(rows.stream().map(ResourceView::of).toList(), null));
    }

    @GET
    @Path("/{id}")
    public Uni<ResourceView> get(@PathParam("id") UUID id) {
        return resources.get(caller.get(), id).map(ResourceView::of);
    }

    @PATCH
    @Path("/{id}")
    public Uni<ResourceView> update(@PathParam("id") UUID id, @Valid @NotNull ResourcePatch body) {
        return resources.update(caller.get(), id,
                new ResourceService.Patch(body.type(), body.name(), body.metadata(), body.isPublic()))
                .map(ResourceView::of);
    }

    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") UUID id) {
        return resources.delete(caller.get(), id).map(done -> RestResponse.noContent());
    }
}
