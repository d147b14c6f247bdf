package ai.reigh.tasks.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.tasks.repository.TaskFilter;
import ai.reigh.tasks.service.OperatorTasks;
import io.smallrye.mutiny.Uni;

/** The operator's tasks (role {@code admin}): every owner's, one with its story, cancel and requeue. */
@Path("/v1/admin/tasks")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin")
public class AdminTaskResource {
    private static final int MAX_WORKER_ID_LENGTH = 128;

    private final OperatorTasks tasks;
    private final CurrentCaller caller;

    public AdminTaskResource(OperatorTasks tasks, CurrentCaller caller) {
        this.tasks = tasks;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Every owner's tasks that the filters keep, newest first",
            description = "The owners' filters (project_id, status, task_type, exclude_task_type, top_level, "
                    + "parent_task_id, updated_after, processed_after) and the operator's: user_id (the owner), "
                    + "worker_id (the worker holding it, or that held its last attempt), created_after (at or after) "
                    + "and created_before (before). Cursor pages (?limit=1..200&cursor=).")
    public Uni<Page<OperatorTaskView>> list(@BeanParam TaskFilterParams filters, @QueryParam("user_id") String userId,
            @QueryParam("worker_id") String workerId, @QueryParam("created_after") String createdAfter,
            @QueryParam("created_before") String createdBefore, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        if (workerId != null && (workerId.isEmpty() || workerId.length() > MAX_WORKER_ID_LENGTH)) {
            throw ProblemException.validation("worker_id", "must be 1 to " + MAX_WORKER_ID_LENGTH + " characters");
        }
        TaskFilter filter = filters.toFilter(null).withOperatorFilters(workerId,
                TaskFilterParams.instant("created_after", createdAfter),
                TaskFilterParams.instant("created_before", createdBefore));
        UUID owner = Params.uuid("user_id", userId, false);
        return tasks.list(caller.get().requireUserId(), owner, filter, PageRequest.fromQuery(limit, cursor))
                .map(page -> page.map(OperatorTaskView::of));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A task with its history, children, dependencies and completion effects",
            description = "history: every status change, oldest first (at most 500), with the worker, the attempt, "
                    + "the reason (a requeue's or failure's) and who acted (actor_role, actor_id). effects: the "
                    + "completion's outbox rows (generation, charge) with their delivery state.")
    public Uni<OperatorTaskView.Detail> get(@PathParam("id") UUID id) {
        return tasks.detail(caller.get().requireUserId(), id).map(OperatorTaskView.Detail::of);
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel any owner's Queued or In Progress task (its history records the operator)",
            description = "As the owner's cancel: dependants are cancelled with it, the worker learns it from its "
                    + "next heartbeat; a task that has ended is 409 invalid_transition.")
    public Uni<OperatorTaskView> cancel(@PathParam("id") UUID id) {
        return tasks.cancel(caller.get().requireUserId(), id).map(OperatorTaskView::of);
    }

    @POST
    @Path("/{id}/requeue")
    @Operation(summary = "Put a Failed task back in the queue, with a fresh set of attempts and a reason",
            description = "Idempotent: a task already requeued by an operator that has not failed since is answered "
                    + "unchanged. 409 invalid_transition for a task that is not Failed (and was not requeued); 409 "
                    + "dependency_failed when it cannot run again (its parent ended, or a dependency failed or was "
                    + "cancelled). Its dependants that failed with it stay Failed: requeue them after it.")
    public Uni<OperatorTaskView> requeue(@PathParam("id") UUID id, @Valid @NotNull RequeueRequest request) {
        return tasks.requeue(caller.get().requireUserId(), id, request.reason().strip()).map(OperatorTaskView::of);
    }
}
