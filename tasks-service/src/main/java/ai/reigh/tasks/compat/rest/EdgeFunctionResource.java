package ai.reigh.tasks.compat.rest;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.StrictJsonCustomizer;
import ai.reigh.tasks.compat.service.EdgeChildren;
import ai.reigh.tasks.compat.service.EdgeCompletions;
import ai.reigh.tasks.compat.service.EdgeReads;
import ai.reigh.tasks.compat.service.EdgeUploads;
import ai.reigh.tasks.compat.service.EdgeWork;
import ai.reigh.tasks.compat.service.ShotPairPrompts;
import ai.reigh.tasks.config.TasksConfig;
import io.smallrye.mutiny.Uni;

/**
 * The edge functions the deployed GPU fleet calls ({@code POST /functions/v1/{name}}, routed here by the
 * gateway), answered as the fleet expects them: exactly 200 where it requires 200 (a child's creation
 * too), 204 for an empty claim, 409 — never 404 — for a lost lease. Each method translates into the
 * platform's own services; nothing here is a second queue. Role {@code worker} (a worker JWT naming its
 * worker, or a personal access token); the fleet's {@code apikey} header is ignored.
 */
@Path("/functions/v1")
@RolesAllowed(Roles.WORKER)
@Tag(name = "Worker compatibility", description = "The deployed GPU fleet's protocol (docs/worker-compat.md)")
public class EdgeFunctionResource {
    private final CurrentCaller caller;
    private final EdgeWork work;
    private final EdgeCompletions completions;
    private final EdgeUploads uploads;
    private final EdgeChildren children;
    private final EdgeReads reads;
    private final ShotPairPrompts shotPairPrompts;
    private final Validator validator;
    private final ObjectMapper largeBodies;

    public EdgeFunctionResource(CurrentCaller caller, EdgeWork work, EdgeCompletions completions,
            EdgeUploads uploads, EdgeChildren children, EdgeReads reads, ShotPairPrompts shotPairPrompts,
            Validator validator, TasksConfig config) {
        this.caller = caller;
        this.work = work;
        this.completions = completions;
        this.uploads = uploads;
        this.children = children;
        this.reads = reads;
        this.shotPairPrompts = shotPairPrompts;
        this.validator = validator;
        // complete_task's inline file is one JSON string of up to max-body-bytes; every other reader keeps
        // the platform's string limit. Same strict dialect otherwise.
        this.largeBodies = StrictJsonCustomizer.apply(new ObjectMapper());
        largeBodies.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(StrictJsonCustomizer.MAX_NESTING_DEPTH)
                .maxNumberLength(StrictJsonCustomizer.MAX_NUMBER_LENGTH)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, config.compat().maxBodyBytes())).build());
    }

    @POST
    @Path("/task-counts")
    @Operation(summary = "Queue counts for the worker's run type (bounded; a local worker: its owner's tasks)")
    public Uni<EdgeAnswers.TaskCounts> taskCounts(@Valid @NotNull EdgeRequests.TaskCounts request) {
        return reads.counts(caller.get(), request).map(counts -> new EdgeAnswers.TaskCounts(
                request.runType() == null ? "gpu" : request.runType(), new EdgeAnswers.Totals(counts.queuedOnly(),
                        counts.eligibleQueued(), counts.activeOnly(), counts.orchestratorsQueued(),
                        ai.reigh.tasks.compat.repository.EdgeReadRepository.COUNT_CAP)));
    }

    @POST
    @Path("/claim-next-task")
    @Operation(summary = "Claims one task for the credential's worker (long-polls briefly); 204 when none")
    @APIResponse(responseCode = "200", description = "The claimed task", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = EdgeAnswers.Claimed.class)))
    @APIResponse(responseCode = "204", description = "Nothing became claimable within the compatibility long poll")
    public Uni<Response> claimNextTask(@Valid @NotNull EdgeRequests.ClaimNextTask request) {
        return work.claim(caller.get(), request).map(claimed -> claimed
                .map(task -> Response.ok(new EdgeAnswers.Claimed(task.id(), task.params(), task.taskType(),
                        task.projectId(), Math.max(0, task.attempt() - 1))).build())
                .orElseGet(() -> Response.noContent().build()));
    }

    @POST
    @Path("/update-worker-model")
    @Operation(summary = "Records the worker's loaded model (model affinity of claims)")
    public Uni<EdgeAnswers.WorkerModel> updateWorkerModel(@Valid @NotNull EdgeRequests.WorkerModel request) {
        return work.workerModel(caller.get(), request)
                .replaceWith(new EdgeAnswers.WorkerModel(true, request.workerId(), request.currentModel()));
    }

    @POST
    @Path("/update-task-status")
    @Operation(summary = "Billing start, orchestrating, requeue, failure or a child's cancellation, fenced by the"
            + " credential's worker")
    public Uni<EdgeAnswers.StatusUpdated> updateTaskStatus(@Valid @NotNull EdgeRequests.UpdateTaskStatus request) {
        return work.updateStatus(caller.get(), request).map(status -> new EdgeAnswers.StatusUpdated(true,
                request.taskId(), status, "Task status is '" + status + "'"));
    }

    /**
     * Read by hand: the inline file is one JSON string larger than the platform's string limit (this
     * route alone takes bodies up to {@code reigh.tasks.compat.max-body-bytes}); the same strict dialect
     * and the same Bean Validation apply.
     */
    @POST
    @Path("/complete_task")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EdgeRequests.CompleteTask.class)))
    @Operation(summary = "Completes the task the credential's worker holds: inline file, storage_path or"
            + " output_location")
    public Uni<EdgeAnswers.Completed> completeTask(byte[] body) throws JsonProcessingException {
        EdgeRequests.CompleteTask request = read(body, EdgeRequests.CompleteTask.class);
        return completions.complete(caller.get(), request).map(done -> new EdgeAnswers.Completed(true,
                done.task().id(), done.task().outputLocation(), done.thumbnailUrl()));
    }

    @POST
    @Path("/generate-upload-url")
    @Operation(summary = "A presigned PUT for an output (or an intermediate file) of a task the worker holds")
    public Uni<EdgeAnswers.UploadUrl> generateUploadUrl(@Valid @NotNull EdgeRequests.UploadUrl request) {
        return uploads.uploadUrl(caller.get(), request);
    }

    @POST
    @Path("/create-task")
    @Operation(summary = "A child of the orchestrator the worker holds, with the id the worker chose (200, idempotent)")
    public Uni<EdgeAnswers.Created> createTask(@Valid @NotNull EdgeRequests.CreateTask request) {
        return children.create(caller.get(), request)
                .map(task -> new EdgeAnswers.Created(true, task.id(), task.status()));
    }

    @POST
    @Path("/get-task-status")
    @Operation(summary = "A task's status (owner-scoped)")
    public Uni<EdgeAnswers.TaskStatus> getTaskStatus(@Valid @NotNull EdgeRequests.TaskRef request) {
        return reads.task(caller.get(), request.taskId()).map(task -> new EdgeAnswers.TaskStatus(task.status()));
    }

    @POST
    @Path("/get-task-output")
    @Operation(summary = "A task's status, output, params and dependencies (owner-scoped)")
    public Uni<EdgeAnswers.TaskOutput> getTaskOutput(@Valid @NotNull EdgeRequests.TaskRef request) {
        return reads.task(caller.get(), request.taskId()).map(task -> new EdgeAnswers.TaskOutput(task.status(),
                task.outputLocation(), task.params(), task.dependantOn()));
    }

    @POST
    @Path("/get-orchestrator-children")
    @Operation(summary = "An orchestrator's children, oldest first (owner-scoped)")
    public Uni<EdgeAnswers.Children> getOrchestratorChildren(@Valid @NotNull EdgeRequests.OrchestratorRef request) {
        return reads.children(caller.get(), request.orchestratorTaskId()).map(found -> new EdgeAnswers.Children(
                found.stream().map(child -> new EdgeAnswers.Child(child.id(), child.taskType(), child.status(),
                        child.params(), child.outputLocation())).toList()));
    }

    @POST
    @Path("/get-predecessor-output")
    @Operation(summary = "The outputs of a task's dependencies (owner-scoped)")
    public Uni<EdgeAnswers.Predecessors> getPredecessorOutput(@Valid @NotNull EdgeRequests.PredecessorOutput request) {
        return reads.predecessors(caller.get(), request.taskId()).map(found -> {
            List<EdgeAnswers.PredecessorEntry> entries = found.predecessors().stream()
                    .map(p -> new EdgeAnswers.PredecessorEntry(p.id(), p.outputLocation(), p.status())).toList();
            EdgeAnswers.PredecessorEntry first = entries.isEmpty() ? null : entries.get(0);
            boolean all = found.allComplete();
            return new EdgeAnswers.Predecessors(first == null ? null : first.predecessorId(),
                    all ? first.outputLocation() : null, first == null ? null : all ? "Complete" : first.status(),
                    entries, all);
        });
    }

    @POST
    @Path("/get-completed-segments")
    @Operation(summary = "A run's Complete travel segments, by segment index (a bare array; owner-scoped)")
    public Uni<List<EdgeAnswers.Segment>> getCompletedSegments(@Valid @NotNull EdgeRequests.CompletedSegments request) {
        return reads.completedSegments(caller.get(), request).map(segments -> segments.stream()
                .map(segment -> new EdgeAnswers.Segment(segment.segmentIndex(), segment.outputLocation())).toList());
    }

    @POST
    @Path("/update-shot-pair-prompts")
    @Operation(summary = "Writes enhanced pair prompts into the shot's positioned links' metadata")
    public Uni<EdgeAnswers.ShotPairPrompts> updateShotPairPrompts(@Valid @NotNull EdgeRequests.ShotPairPrompts request) {
        return shotPairPrompts.update(caller.get(), request).map(updated -> new EdgeAnswers.ShotPairPrompts(true,
                request.shotId(), updated.updated(), updated.skipped()));
    }

    /** Parse failures are thrown as they are: the shared mappers answer them (unknown_field, malformed_json...). */
    private <T> T read(byte[] body, Class<T> type) throws JsonProcessingException {
        if (body == null || body.length == 0) {
            throw ProblemException.validation("body", "is required");
        }
        T value;
        try {
            value = largeBodies.readValue(body, type);
        } catch (JsonProcessingException unreadable) {
            throw unreadable;
        } catch (IOException impossible) {
            // A byte array is never an I/O failure; anything else is unreadable input.
            throw ProblemException.badRequest(ai.reigh.common.error.ErrorCode.MALFORMED_JSON, "The body is not valid JSON.");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return value;
    }
}
