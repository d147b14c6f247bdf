package ai.reigh.storage.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.storage.repository.StorageObjectRow;
import ai.reigh.storage.service.ConfirmationService;
import ai.reigh.storage.service.DeletionService;
import ai.reigh.storage.service.ObjectQueries;
import ai.reigh.storage.service.ObjectUrls;
import ai.reigh.storage.service.UploadService;
import io.smallrye.mutiny.Uni;

/** A signed-in user's objects: presigned uploads, confirmation, reads, listing, deletion. */
@Path("/v1/storage")
@RolesAllowed(Roles.USER)
public class StorageObjectResource {
    private final UploadService uploads;
    private final ConfirmationService confirmations;
    private final ObjectQueries queries;
    private final DeletionService deletions;
    private final ObjectUrls urls;
    private final CurrentCaller caller;

    public StorageObjectResource(UploadService uploads, ConfirmationService confirmations, ObjectQueries queries,
            DeletionService deletions, ObjectUrls urls, CurrentCaller caller) {
        this.uploads = uploads;
        this.confirmations = confirmations;
        this.queries = queries;
        this.deletions = deletions;
        this.urls = urls;
        this.caller = caller;
    }

    /** A pending object and a presigned PUT for it (413 over the bucket's limit or the quota). */
    @POST
    @Path("/uploads")
    @ResponseStatus(201)
    public Uni<UploadTicketView> presign(@Valid @NotNull UploadRequest request) {
        return uploads.presignUpload(caller.get(), request.bucket(), request.contentType(), request.sizeBytes(),
                request.filename()).map(Views::ticket);
    }

    /** Ready once the store holds the declared size and type; else 409 and it stays pending. Any body is ignored. */
    @POST
    @Path("/objects/{id}/confirm")
    public Uni<ObjectView> confirm(@PathParam("id") UUID id) {
        return confirmations.confirmByOwner(caller.get(), id).chain(this::view);
    }

    @GET
    @Path("/objects/{id}")
    public Uni<ObjectView> get(@PathParam("id") UUID id) {
        return queries.owned(caller.get(), id).chain(this::view);
    }

    /** The caller's objects, newest first ({@code ?bucket=} to filter). */
    @GET
    @Path("/objects")
    public Uni<Page<ObjectView>> list(@QueryParam("bucket") String bucket, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        PageRequest page = PageRequest.fromQuery(limit, cursor);
        return queries.ownedPage(caller.get(), bucket == null || bucket.isEmpty() ? null : bucket, page)
                .chain(rows -> urls.urlsOf(rows).map(found -> {
                    java.util.List<ObjectView> views = new java.util.ArrayList<>(rows.size());
                    for (int i = 0; i < rows.size(); i++) {
                        views.add(Views.object(rows.get(i), found.get(i)));
                    }
                    return Page.of(views, page, ObjectView::createdAt, ObjectView::id);
                }));
    }

    /** 204 once the object is gone for the API; its bytes are removed now or, if the store is down, retried. */
    @DELETE
    @Path("/objects/{id}")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return deletions.deleteOwned(caller.get(), id).replaceWith(Response.noContent().build());
    }

    private Uni<ObjectView> view(StorageObjectRow row) {
        return urls.urlOf(row).map(url -> Views.object(row, url));
    }
}
