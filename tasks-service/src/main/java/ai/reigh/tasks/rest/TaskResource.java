package ai.reigh.tasks.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.tasks.repository.TaskCounts;
import ai.reigh.tasks.repository.TaskFilter;
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

    @GET
    @Operation(summary = "The caller's tasks that the filters keep, newest first",
            description = "Cursor pages (?limit=1..200&cursor=). Filters (all apply): project_id (one or a comma list), "
                    + "status and task_type (comma lists: any of them), exclude_task_type, top_level, parent_task_id, "
                    + "updated_after, processed_after. sort=processed orders finished tasks by their processing time. "
                    + "include_total=true adds total, the exact number of matches. A project that is not the caller's "
                    + "is a 404; a malformed filter a 400 naming it.")
    public Uni<Page<TaskView>> list(@BeanParam TaskFilterParams filters, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @QueryParam("include_total") String includeTotal) {
        TaskFilter filter = filters.toFilter(sort);
        PageRequest page = PageRequest.fromQuery(limit, cursor, includeTotal);
        return tasks.list(caller.get(), filter, page).map(rows -> rows.map(TaskView::of));
    }

    @GET
    @Path("/counts")
    @Operation(summary = "How many of the caller's tasks the filters keep, per status, and their total",
            description = "The filters of the list (e.g. status=Complete&processed_after=<an hour ago> counts what "
                    + "finished in the last hour); without project_id, every project of the caller.")
    public Uni<TaskCounts> counts(@BeanParam TaskFilterParams filters) {
        return tasks.counts(caller.get(), filters.toFilter(null));
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
