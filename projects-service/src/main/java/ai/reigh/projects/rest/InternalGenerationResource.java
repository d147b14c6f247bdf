package ai.reigh.projects.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.Roles;
import ai.reigh.common.internal.GenerationFromTask;
import ai.reigh.projects.rest.Views.GenerationView;
import ai.reigh.projects.service.TaskGenerationService;
import io.smallrye.mutiny.Uni;

/**
 * tasks-service's completion relay delivers the generation of a completed task here, at least once:
 * 201 with the new row, or 200 with the same row when the task already has one. An unknown project
 * (deleted meanwhile) is a 404: retrying cannot help.
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
}
