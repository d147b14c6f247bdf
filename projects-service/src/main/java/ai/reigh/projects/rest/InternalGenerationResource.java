package ai.reigh.projects.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.Roles;
import ai.reigh.common.internal.GenerationBatch;
import ai.reigh.common.internal.GenerationBatchResult;
import ai.reigh.common.internal.GenerationFromTask;
import ai.reigh.projects.rest.Views.GenerationView;
import ai.reigh.projects.service.TaskGenerationService;
import io.smallrye.mutiny.Uni;

/**
 * tasks-service's completion relay delivers the generation of a completed task here, at least once:
 * 201 with the new row, or 200 with the same row when the task already has one. An unknown project
 * (deleted meanwhile) is a 404: retrying cannot help. Or several in one call ({@code /batch}).
 */
@Path("/internal/v1/generations")
@RolesAllowed(Roles.SERVICE)
public class InternalGenerationResource {
    private final TaskGenerationService generations;

    public InternalGenerationResource(TaskGenerationService generations) {
        this.generations = generations;
    }

    @POST
    public Uni<RestResponse<GenerationView>> create(@Valid @NotNull GenerationFromTask body) {
        return generations.createFromTask(body).map(outcome -> RestResponse.status(
                outcome.created() ? Status.CREATED : Status.OK, GenerationView.of(outcome.generation())));
    }

    @POST
    @Path("/batch")
    @Operation(summary = "Deliver up to 50 generations of completed tasks in one call",
            description = "The relay's batch: each generation as the single call delivers it, in its own transaction, in "
                    + "order, each in a span continuing the trace its completion stored (`traceparents`, same positions). "
                    + "200 with one outcome per generation: status 201/200 and the row that holds the task's output, a 4xx "
                    + "status and its problem (that generation is refused, the others are not), or 503 for a failure that "
                    + "may pass (that one is tried again). 400 for an empty batch or more than 50 generations.")
    public Uni<GenerationBatchResult> createAll(@Valid @NotNull GenerationBatch batch) {
        return generations.createAllFromTasks(batch).map(GenerationBatchResult::new);
    }
}
