package ai.reigh.tasks.client;

import java.util.UUID;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import ai.reigh.common.auth.ServiceAuthHeaders;
import ai.reigh.common.internal.ConfirmTaskOutput;
import ai.reigh.common.internal.StorageObjectView;
import io.smallrye.mutiny.Uni;

/** storage-service's internal API: confirm the output a worker uploaded for a task, or release an unused one. */
@RegisterRestClient(configKey = "storage")
@RegisterClientHeaders(ServiceAuthHeaders.class)
@Path("/internal/v1/storage/objects")
public interface StorageInternalApi {
    @POST
    @Path("/{id}/confirm")
    Uni<StorageObjectView> confirm(@PathParam("id") UUID objectId, ConfirmTaskOutput request);

    @POST
    @Path("/{id}/release")
    Uni<Void> release(@PathParam("id") UUID objectId, ConfirmTaskOutput request);
}
