package ai.reigh.tasks.client;

import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import ai.reigh.common.auth.ServiceAuthHeaders;
import ai.reigh.common.internal.StorageObjectView;
import ai.reigh.common.internal.TaskOutputByKey;
import ai.reigh.common.internal.TaskOutputTicket;
import ai.reigh.common.internal.TaskOutputUpload;
import io.smallrye.mutiny.Uni;

/** storage-service's internal task outputs, for the deployed fleet's protocol (see {@link StorageTaskOutputs}). */
@RegisterRestClient(configKey = "storage")
@RegisterClientHeaders(ServiceAuthHeaders.class)
@Path("/internal/v1/storage/task-outputs")
public interface StorageTaskOutputsApi {
    /** The bytes of an output, stored for the task as a ready object (type from the name and the bytes). */
    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    Uni<StorageObjectView> store(@QueryParam("task_id") UUID taskId, @QueryParam("owner_id") UUID ownerId,
            @QueryParam("filename") String filename, byte[] bytes);

    @POST
    @Path("/uploads")
    Uni<TaskOutputTicket> presign(TaskOutputUpload upload);

    @POST
    @Path("/confirm")
    Uni<StorageObjectView> confirmKey(TaskOutputByKey key);
}
