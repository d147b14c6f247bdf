package ai.reigh.projects.client;

import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import ai.reigh.common.auth.ServiceAuthHeaders;
import ai.reigh.common.internal.ObjectDeletions;
import ai.reigh.common.internal.StorageObjectView;
import io.smallrye.mutiny.Uni;

/** storage-service's internal routes that projects-service calls (role {@code service}). */
@RegisterRestClient(configKey = "storage")
@RegisterClientHeaders(ServiceAuthHeaders.class)
@Path("/internal/v1/storage/objects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface StorageInternalApi {

    /** Any owner's object: the caller checks owner, status and bucket. */
    @GET
    @Path("/{id}")
    Uni<StorageObjectView> object(@PathParam("id") UUID id);

    /** Idempotent: objects already gone count as deleted (204). */
    @POST
    @Path("/deletions")
    Uni<Void> delete(ObjectDeletions deletions);
}
