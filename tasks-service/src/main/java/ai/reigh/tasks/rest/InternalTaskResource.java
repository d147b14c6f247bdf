package ai.reigh.tasks.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import ai.reigh.common.auth.Roles;
import ai.reigh.common.internal.TaskLeaseView;
import ai.reigh.tasks.service.WorkerService;
import io.smallrye.mutiny.Uni;

/** Internal routes (role {@code service}; never routed by the gateway). */
@Path("/internal/v1/tasks")
@RolesAllowed(Roles.SERVICE)
public class InternalTaskResource {
    private final WorkerService workers;

    public InternalTaskResource(WorkerService workers) {
        this.workers = workers;
    }

    /**
     * For storage-service's worker uploads: the task when {@code lease_token} is its current lease;
     * 409 {@code lease_lost} otherwise; 404 for an unknown task.
     */
    @GET
    @Path("/{id}/lease")
    public Uni<TaskLeaseView> lease(@PathParam("id") UUID taskId, @QueryParam("lease_token") String leaseToken) {
        return workers.leaseHeldBy(taskId, Params.uuid("lease_token", leaseToken, true));
    }
}
