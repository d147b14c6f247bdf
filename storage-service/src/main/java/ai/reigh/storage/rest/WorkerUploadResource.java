package ai.reigh.storage.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.jboss.resteasy.reactive.ResponseStatus;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.storage.service.UploadService;
import io.smallrye.mutiny.Uni;

/** A worker's task output: a presigned PUT under the task owner's {@code tasks/{task_id}/} prefix. */
@Path("/v1/workers/uploads")
public class WorkerUploadResource {
    private final UploadService uploads;
    private final CurrentCaller caller;

    public WorkerUploadResource(UploadService uploads, CurrentCaller caller) {
        this.uploads = uploads;
        this.caller = caller;
    }

    /** Only the holder of the task's current lease: 409 {@code lease_lost} otherwise, 404 for an unknown task. */
    @POST
    @RolesAllowed(Roles.WORKER)
    @ResponseStatus(201)
    public Uni<UploadTicketView> presign(@Valid @NotNull WorkerUploadRequest request) {
        return uploads.presignTaskOutput(caller.get(), request.taskId(), request.leaseToken(), request.contentType(),
                request.sizeBytes(), request.filename()).map(Views::ticket);
    }
}
