package ai.reigh.storage.client;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import ai.reigh.common.auth.ServiceAuthHeaders;
import ai.reigh.common.internal.TaskLeaseView;
import io.smallrye.mutiny.Uni;

/** tasks-service's internal lease check (role {@code service}). */
@RegisterRestClient(configKey = "tasks")
@RegisterClientHeaders(ServiceAuthHeaders.class)
@Path("/internal/v1/tasks")
public interface TasksInternalApi {

    /** The task whose lease {@code lease_token} currently holds; 409 {@code lease_lost} or 404 otherwise. */
    @GET
    @Path("/{id}/lease")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<TaskLeaseView> lease(@PathParam("id") UUID taskId, @QueryParam("lease_token") String leaseToken);
}
