package ai.reigh.projects.rest;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.repository.TaskMediaRepository.TaskMedia;
import ai.reigh.projects.service.OperatorMedia;
import io.smallrye.mutiny.Uni;

/** What a task made, whoever owns it: the operator console's task page (role {@code admin}). */
@Path("/v1/admin/generations")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin")
public class AdminGenerationResource {
    private final OperatorMedia media;
    private final CurrentCaller caller;

    public AdminGenerationResource(OperatorMedia media, CurrentCaller caller) {
        this.media = media;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The generation a task created, or the variant it added to one",
            description = "?task_id= (required): at most one item (a task makes one generation or one variant, once); "
                    + "none while its completion is not delivered yet, or for a task that makes no media.")
    public Uni<TaskMediaList> ofTask(@QueryParam("task_id") String taskId) {
        UUID task = QueryParams.uuid("task_id", taskId);
        if (task == null) {
            throw ProblemException.validation("task_id", "is required");
        }
        return media.ofTask(caller.get().requireUserId(), task).map(TaskMediaList::new);
    }

    public record TaskMediaList(List<TaskMedia> items) {
    }
}
