package ai.reigh.tasks.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.tasks.repository.TaskCounts;
import ai.reigh.tasks.service.TaskService;
import io.smallrye.mutiny.Uni;

/** Tasks for their owners (API.md "tasks-service"). Someone else's task or project is a 404. */
@Path("/v1/tasks")
@RolesAllowed(Roles.USER)
public class TaskResource {
    private final TaskService tasks;
    private final CurrentCaller caller;

    public TaskResource(TaskService tasks, CurrentCaller caller) {
        this.tasks = tasks;
        this.caller = caller;
    }

    /** 201 with the new task; 200 with the original when the idempotency key replays the same request. */
    @POST
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TaskView.class)))
    @APIResponse(responseCode = "200", description = "The original task: the idempotency key replayed the same request",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TaskView.class)))
    public Uni<Response> create(@Valid @NotNull CreateTaskRequest request, @HeaderParam("Idempotency-Key") String key) {
        String idempotencyKey = Params.idempotencyKey(key, request.idempotencyKey());
        var creation = new TaskService.Creation(request.projectId(), request.taskType(),
                request.params() == null ? JsonNodeFactory.instance.objectNode() : request.params(),
                request.dependantOn(), idempotencyKey);
        return tasks.create(caller.get(), creation).map(created -> Response
                .status(created.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(TaskView.of(created.task())).build());
    }

    /** Newest first; {@code project_id} and {@code status} filter (a foreign project is a 404). */
    @GET
    public Uni<Page<TaskView>> list(@QueryParam("project_id") String projectId, @QueryParam("status") String status,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest page = PageRequest.fromQuery(limit, cursor);
        return tasks.list(caller.get(), Params.uuid("project_id", projectId, false), Params.status(status), page)
                .map(rows -> new Page<>(rows.items().stream().map(TaskView::of).toList(), rows.nextCursor()));
    }

    /** Counts per status of a project ({@code project_id}), or of all the caller's tasks without it. */
    @GET
    @Path("/counts")
    public Uni<TaskCounts> counts(@QueryParam("project_id") String projectId) {
        return tasks.counts(caller.get(), Params.uuid("project_id", projectId, false));
    }

    @GET
    @Path("/{id}")
    public Uni<TaskView> get(@PathParam("id") UUID id) {
        return tasks.get(caller.get(), id).map(TaskView::of);
    }

    /** Queued or In Progress → Cancelled (its sub-tasks too; its dependants fail); terminal → 409. */
    @POST
    @Path("/{id}/cancel")
    public Uni<TaskView> cancel(@PathParam("id") UUID id) {
        return tasks.cancel(caller.get(), id).map(TaskView::of);
    }
}
