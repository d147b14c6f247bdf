package ai.reigh.tasks.rest;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.service.ClaimService;
import ai.reigh.tasks.service.Completions;
import ai.reigh.tasks.service.WorkerService;
import io.smallrye.mutiny.Uni;

/**
 * The worker protocol (role {@code worker}; a personal access token or a worker token bound to an
 * owner is a local worker and sees only its owner's tasks). Users get 403 here.
 */
@Path("/v1/workers")
@RolesAllowed(Roles.WORKER)
public class WorkerResource {
    private static final BigDecimal DEFAULT_MAX_TASK_WAIT_MINUTES = BigDecimal.valueOf(5);

    private final ClaimService claims;
    private final WorkerService workers;
    private final Completions completions;
    private final CurrentCaller caller;
    private final TasksConfig config;

    public WorkerResource(ClaimService claims, WorkerService workers, Completions completions, CurrentCaller caller,
            TasksConfig config) {
        this.claims = claims;
        this.workers = workers;
        this.completions = completions;
        this.caller = caller;
        this.config = config;
    }

    /** 200 with the claimed tasks, or 204 when none was claimable within {@code wait_seconds}. */
    @POST
    @Path("/claim")
    @APIResponse(responseCode = "200", description = "The claimed tasks",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ClaimResponse.class)))
    @APIResponse(responseCode = "204", description = "Nothing was claimable within wait_seconds")
    public Uni<Response> claim(@Valid @NotNull ClaimRequest request) {
        var claim = new ClaimService.Claim(request.workerId(), request.runType() == null ? "gpu" : request.runType(),
                Boolean.TRUE.equals(request.sameModelOnly()),
                request.maxTaskWaitMinutes() == null ? DEFAULT_MAX_TASK_WAIT_MINUTES : request.maxTaskWaitMinutes(),
                request.limit() == null ? 1 : request.limit(), request.waitSeconds() == null ? 0 : request.waitSeconds(),
                config.leaseDuration());
        return claims.claim(caller.get(), claim).map(tasks -> tasks.isEmpty() ? Response.noContent().build()
                : Response.ok(new ClaimResponse(tasks.stream().map(task -> new ClaimResponse.Claimed(task.id(),
                        task.taskType(), task.params(), task.projectId(), task.parentTaskId(), task.attempt(),
                        task.leaseToken(), task.leaseExpiresAt())).toList())).build());
    }

    /**
     * Registers the worker's state, renews the leases of the tasks it names and still holds, reports
     * which were cancelled; {@code status: crashed} gives its tasks back to the queue.
     */
    @POST
    @Path("/heartbeat")
    public Uni<HeartbeatResponse> heartbeat(@Valid @NotNull HeartbeatRequest request) {
        List<UUID> leaseTaskIds = new ArrayList<>();
        List<UUID> leaseTokens = new ArrayList<>();
        if (request.leases() != null) {
            request.leases().forEach(lease -> {
                leaseTaskIds.add(lease.taskId());
                leaseTokens.add(lease.leaseToken());
            });
        }
        var beat = new WorkerService.Beat(request.workerId(), request.status() == null ? "active" : request.status(),
                request.currentModel(), request.vramTotalMb(), request.vramUsedMb(),
                request.taskIds() == null ? List.of() : request.taskIds(), leaseTaskIds, leaseTokens, false,
                config.leaseDuration());
        return workers.heartbeat(caller.get(), beat).map(answer -> new HeartbeatResponse(answer.cancelled(),
                answer.lost(), answer.leaseExpiresAt(), config.heartbeatInterval().toSeconds()));
    }

    /** Billing starts now (after the model loaded); renews the lease. */
    @POST
    @Path("/tasks/{id}/start")
    public Uni<TaskView> start(@PathParam("id") UUID id, @Valid @NotNull LeaseRequest request) {
        return workers.start(caller.get(), id, request.leaseToken()).map(TaskView::of);
    }

    @POST
    @Path("/tasks/{id}/complete")
    public Uni<TaskView> complete(@PathParam("id") UUID id, @Valid @NotNull CompleteRequest request) {
        var finish = new Completions.Finish(request.leaseToken(), request.outputLocation(), request.objectId(),
                request.thumbnailUrl(), request.resultData(), null, true);
        return completions.complete(caller.get(), id, finish).map(TaskView::of);
    }

    /**
     * Several held tasks completed in one request and one transaction (a worker that claimed a batch and
     * finished it): one result per completion, each what its own {@code /complete} would have answered.
     */
    @POST
    @Path("/tasks/complete")
    @Operation(summary = "Complete several tasks the worker holds, in one request",
            description = "Up to 50 distinct tasks, each completion as POST /v1/workers/tasks/{id}/complete takes it "
                    + "plus its task_id. Recorded in one transaction; 200 with one result per completion in the order "
                    + "sent: status 200 and the task (completed now, or a replay of the same completion), or the status "
                    + "and problem its own /complete would have answered (409 lease_lost, 404, 400, 413). One refused "
                    + "completion does not hold back the others. 400 for the envelope (empty, over 50, a task twice).")
    public Uni<CompleteTasksResponse> completeAll(@Valid @NotNull CompleteTasksRequest request) {
        Set<UUID> seen = new HashSet<>();
        List<Completions.Completing> batch = new ArrayList<>(request.completions().size());
        for (CompleteTasksRequest.TaskCompletion one : request.completions()) {
            if (!seen.add(one.taskId())) {
                throw ProblemException.validation("completions", "task " + one.taskId() + " appears twice");
            }
            batch.add(new Completions.Completing(one.taskId(), new Completions.Finish(one.leaseToken(),
                    one.outputLocation(), one.objectId(), one.thumbnailUrl(), one.resultData(), null, true)));
        }
        return completions.completeAll(caller.get(), batch).map(outcomes -> new CompleteTasksResponse(
                outcomes.stream().map(CompleteTasksResponse.Result::of).toList()));
    }

    /** Requeued with backoff while attempts remain and {@code retryable}; else Failed. */
    @POST
    @Path("/tasks/{id}/fail")
    public Uni<TaskView> fail(@PathParam("id") UUID id, @Valid @NotNull FailRequest request) {
        return workers.fail(caller.get(), id, request.leaseToken(), request.error(), request.retryable())
                .map(TaskView::of);
    }

    /** A sub-task of an orchestrator the worker holds: 201 (200 when an idempotency key replays it). */
    @POST
    @Path("/tasks")
    @Operation(summary = "Create a sub-task of the orchestrator whose lease the worker holds",
            description = "201 (200 when the idempotency key replays it). Only an orchestrator has children, of its "
                    + "family's types only (reigh.tasks.families); each refusal is a 422 with its own code: "
                    + "not_an_orchestrator, child_type_not_allowed, depends_on_parent (dependant_on names the parent or a "
                    + "task above it), nesting_too_deep (reigh.tasks.max-nesting-depth), unprocessable (more than "
                    + "reigh.tasks.max-children-per-task children). 409 lease_lost, 404 parent not visible. A sub-task is "
                    + "charged at its own price when it completes, whatever becomes of its parent.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TaskView.class)))
    @APIResponse(responseCode = "200", description = "The original sub-task: the idempotency key replayed the same request",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TaskView.class)))
    public Uni<Response> createChild(@Valid @NotNull ChildTaskRequest request, @HeaderParam("Idempotency-Key") String key) {
        var child = new WorkerService.Child(request.parentTaskId(), request.leaseToken(), request.taskType(),
                request.params() == null ? JsonNodeFactory.instance.objectNode() : request.params(),
                request.dependantOn(), Params.idempotencyKey(key, request.idempotencyKey()), null);
        return workers.createChild(caller.get(), child).map(created -> Response
                .status(created.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(TaskView.of(created.task())).build());
    }
}
