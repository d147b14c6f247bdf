package ai.reigh.tasks.client;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import ai.reigh.common.auth.ServiceAuthHeaders;
import ai.reigh.common.internal.GenerationFromTask;
import ai.reigh.common.internal.GenerationRef;
import io.smallrye.mutiny.Uni;

/** projects-service's internal API: the generation of a completed task (idempotent on task_id). */
@RegisterRestClient(configKey = "projects")
@RegisterClientHeaders(ServiceAuthHeaders.class)
@Path("/internal/v1/generations")
public interface ProjectsInternalApi {
    @POST
    Uni<GenerationRef> createFromTask(GenerationFromTask generation);
}
