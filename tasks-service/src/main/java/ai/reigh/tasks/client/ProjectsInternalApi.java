package ai.reigh.tasks.client;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.ServiceAuthHeaders;
import ai.reigh.common.internal.GenerationFromTask;
import ai.reigh.common.internal.GenerationBatch;
import ai.reigh.common.internal.GenerationBatchResult;
import ai.reigh.common.internal.GenerationRef;
import io.smallrye.mutiny.Uni;

/** projects-service's internal API: the generations of completed tasks, one or a batch (idempotent on task_id). */
@RegisterRestClient(configKey = "projects")
@RegisterClientHeaders(ServiceAuthHeaders.class)
@Path("/internal/v1/generations")
public interface ProjectsInternalApi {
    /**
     * A {@link GenerationFromTask} document exactly as the completing transaction stored it in the outbox:
     * fields a newer release wrote reach the receiver whichever release relays the row.
     */
    @POST
    Uni<GenerationRef> createFromTask(JsonNode generation);

    /** Up to {@link GenerationBatch#MAX_GENERATIONS} generation documents as stored: one outcome each, in order. */
    @POST
    @Path("/batch")
    Uni<GenerationBatchResult> createAllFromTasks(GenerationBatch batch);
}
