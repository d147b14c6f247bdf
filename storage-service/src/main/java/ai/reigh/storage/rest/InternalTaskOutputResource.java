package ai.reigh.storage.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.StorageObjectView;
import ai.reigh.common.internal.TaskOutputByKey;
import ai.reigh.common.internal.TaskOutputTicket;
import ai.reigh.common.internal.TaskOutputUpload;
import ai.reigh.storage.repository.StorageObjectRow;
import ai.reigh.storage.service.ObjectUrls;
import ai.reigh.storage.service.TaskOutputs;
import io.smallrye.mutiny.Uni;

/**
 * Task outputs of the deployed GPU fleet's protocol, for tasks-service (role {@code service}; never
 * routed by the gateway): tasks-service has checked that the calling worker holds the task, and names
 * the task and its owner. See {@link TaskOutputs}.
 */
@Path(InternalTaskOutputResource.PATH)
@RolesAllowed(Roles.SERVICE)
public class InternalTaskOutputResource {
    static final String PATH = "/internal/v1/storage/task-outputs";

    private final TaskOutputs outputs;
    private final ObjectUrls urls;

    public InternalTaskOutputResource(TaskOutputs outputs, ObjectUrls urls) {
        this.outputs = outputs;
        this.urls = urls;
    }

    /**
     * An inline output's bytes (up to {@code reigh.storage.max-inline-task-output-bytes}): a ready object.
     * Any declared type: the body is the file whatever its header says (its type comes from its name and
     * first bytes), and a caller without the service role meets its 401/403 rather than a 415.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<StorageObjectView> store(@QueryParam("task_id") UUID taskId, @QueryParam("owner_id") UUID ownerId,
            @QueryParam("filename") String filename, byte[] bytes) {
        if (taskId == null || ownerId == null) {
            throw ProblemException.validation(taskId == null ? "task_id" : "owner_id", "is required");
        }
        return outputs.store(taskId, ownerId, filename, bytes == null ? new byte[0] : bytes).chain(this::view);
    }

    /** An upload URL for an output whose size nobody declared; {@code object.key} is the fleet's storage_path. */
    @POST
    @Path("/uploads")
    public Uni<TaskOutputTicket> presign(@Valid @NotNull TaskOutputUpload upload) {
        return outputs.presign(upload.taskId(), upload.ownerId(), upload.filename(), upload.contentType())
                .chain(ticket -> view(ticket.object()).map(object -> new TaskOutputTicket(object, ticket.uploadUrl(),
                        ticket.expiresAt())));
    }

    /** The object a completion names by its key, ready: 409 when its bytes are missing or wrong, 404 if not the owner's. */
    @POST
    @Path("/confirm")
    public Uni<StorageObjectView> confirm(@Valid @NotNull TaskOutputByKey key) {
        return outputs.confirmByKey(key.taskId(), key.ownerId(), key.key()).chain(this::view);
    }

    private Uni<StorageObjectView> view(StorageObjectRow row) {
        return urls.urlOf(row).map(url -> Views.internal(row, url));
    }
}
