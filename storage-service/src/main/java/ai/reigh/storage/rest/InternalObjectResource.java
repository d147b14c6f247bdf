package ai.reigh.storage.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import ai.reigh.common.auth.Roles;
import ai.reigh.common.internal.ConfirmTaskOutput;
import ai.reigh.common.internal.ObjectDeletions;
import ai.reigh.common.internal.StorageObjectView;
import ai.reigh.storage.repository.StorageObjectRow;
import ai.reigh.storage.service.ConfirmationService;
import ai.reigh.storage.service.DeletionService;
import ai.reigh.storage.service.ObjectQueries;
import ai.reigh.storage.service.ObjectUrls;
import io.smallrye.mutiny.Uni;

/** What the other services call (role {@code service}; never routed by the gateway). */
@Path("/internal/v1/storage/objects")
@RolesAllowed(Roles.SERVICE)
public class InternalObjectResource {
    private final ObjectQueries queries;
    private final ConfirmationService confirmations;
    private final DeletionService deletions;
    private final ObjectUrls urls;

    public InternalObjectResource(ObjectQueries queries, ConfirmationService confirmations, DeletionService deletions,
            ObjectUrls urls) {
        this.queries = queries;
        this.confirmations = confirmations;
        this.deletions = deletions;
        this.urls = urls;
    }

    /** Any owner's object (404 if none, or being deleted); the caller checks owner, bucket and status. */
    @GET
    @Path("/{id}")
    public Uni<StorageObjectView> get(@PathParam("id") UUID id) {
        return queries.forPlatform(id).chain(this::view);
    }

    /** tasks-service completing a task: its worker's upload becomes ready (409 if the bytes are not right). */
    @POST
    @Path("/{id}/confirm")
    public Uni<StorageObjectView> confirmTaskOutput(@PathParam("id") UUID id, @Valid @NotNull ConfirmTaskOutput request) {
        return confirmations.confirmTaskOutput(id, request.taskId()).chain(this::view);
    }

    /**
     * tasks-service after a worker's completion lost its lease: that worker's upload for the task will
     * never be used, so it goes (204 whatever there was: only an object uploaded for this task is deleted).
     */
    @POST
    @Path("/{id}/release")
    public Uni<Response> releaseTaskOutput(@PathParam("id") UUID id, @Valid @NotNull ConfirmTaskOutput request) {
        return deletions.releaseTaskOutput(id, request.taskId()).replaceWith(Response.noContent().build());
    }

    /** projects-service after a project delete: rows and bytes go (unknown ids ignored; store failures retried). */
    @POST
    @Path("/deletions")
    public Uni<Response> delete(@Valid @NotNull ObjectDeletions request) {
        return deletions.deleteForPlatform(request.objectIds()).replaceWith(Response.noContent().build());
    }

    private Uni<StorageObjectView> view(StorageObjectRow row) {
        return urls.urlOf(row).map(url -> Views.internal(row, url));
    }
}
