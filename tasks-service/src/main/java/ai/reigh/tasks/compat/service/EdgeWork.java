package ai.reigh.tasks.compat.service;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.compat.rest.EdgeRequests;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.ClaimedTask;
import ai.reigh.tasks.repository.TaskRepository;
import ai.reigh.tasks.repository.TaskRow;
import ai.reigh.tasks.repository.TaskStatus;
import ai.reigh.tasks.service.ClaimService;
import ai.reigh.tasks.service.EndingCascade;
import ai.reigh.tasks.service.Orchestrations;
import ai.reigh.tasks.service.WorkerService;
import io.smallrye.mutiny.Uni;

/**
 * The fleet's work calls translated into the platform's own: the same claim statement (long-polled a
 * little), the same heartbeat statement (renewing every lease the worker holds, since the fleet's
 * heartbeats name no task), the same fenced start and fail, the same cancellation cascade. The lease of
 * each write is the one the credential's worker holds ({@link FleetTasks}).
 */
@ApplicationScoped
public class EdgeWork {
    private static final BigDecimal DEFAULT_MAX_TASK_WAIT_MINUTES = BigDecimal.valueOf(5);
    /** The database keeps error messages up to this many characters; a longer report is cut, not refused. */
    static final int MAX_ERROR_LENGTH = 4000;

    private final Db db;
    private final FleetIdentity identity;
    private final FleetTasks fleetTasks;
    private final ClaimService claims;
    private final WorkerService workers;
    private final Orchestrations orchestrations;
    private final TaskRepository tasks;
    private final EndingCascade cascade;
    private final TasksConfig config;

    public EdgeWork(Db db, FleetIdentity identity, FleetTasks fleetTasks, ClaimService claims, WorkerService workers,
            Orchestrations orchestrations, TaskRepository tasks, EndingCascade cascade, TasksConfig config) {
        this.db = db;
        this.identity = identity;
        this.fleetTasks = fleetTasks;
        this.claims = claims;
        this.workers = workers;
        this.orchestrations = orchestrations;
        this.tasks = tasks;
        this.cascade = cascade;
        this.config = config;
    }

    /** The claimed task, if any became claimable within the compatibility long poll. */
    public Uni<Optional<ClaimedTask>> claim(Caller caller, EdgeRequests.ClaimNextTask request) {
        return identity.speakingFor(caller, request.workerId()).chain(worker -> claims.claim(worker.caller(),
                new ClaimService.Claim(request.workerId(), request.runType() == null ? "gpu" : request.runType(),
                        Boolean.TRUE.equals(request.sameModelOnly()),
                        request.maxTaskWaitMinutes() == null ? DEFAULT_MAX_TASK_WAIT_MINUTES : request.maxTaskWaitMinutes(),
                        1, (int) config.compat().claimWait().toSeconds(), config.compat().leaseDuration())))
                .map(claimed -> claimed.stream().findFirst());
    }

    /** What a heartbeat did. */
    public record Beat(String workerId, String status, int leasesRenewed, Instant leaseExpiresAt) {
    }

    /**
     * The guardian's heartbeat: registers the worker's state and renews the lease of every task it holds;
     * {@code crashed} and {@code terminated} hand them back (requeued, or Failed after their last attempt).
     */
    public Uni<Beat> heartbeat(Caller caller, EdgeRequests.Heartbeat request) {
        String status = request.statusParam() == null ? "active" : request.statusParam();
        return identity.speakingFor(caller, request.workerIdParam())
                .chain(worker -> workers.heartbeat(worker.caller(), new WorkerService.Beat(request.workerIdParam(),
                        status, null, request.vramTotalMbParam(), request.vramUsedMbParam(), List.of(), List.of(),
                        List.of(), true, config.compat().leaseDuration())))
                .map(answer -> new Beat(request.workerIdParam(), status, answer.renewed().size(), answer.leaseExpiresAt()));
    }

    /** A model switch: recorded for model affinity (a sign of life too: the worker's leases are renewed). */
    public Uni<Void> workerModel(Caller caller, EdgeRequests.WorkerModel request) {
        return identity.speakingFor(caller, request.workerId())
                .chain(worker -> workers.heartbeat(worker.caller(), new WorkerService.Beat(request.workerId(), "active",
                        request.currentModel(), null, null, List.of(), List.of(), List.of(), true,
                        config.compat().leaseDuration())))
                .replaceWithVoid();
    }

    /** {@code update-task-status}: which status the task has now. */
    public Uni<String> updateStatus(Caller caller, EdgeRequests.UpdateTaskStatus request) {
        return identity.of(caller).chain(worker -> switch (request.status()) {
            case TaskStatus.IN_PROGRESS -> inProgress(worker, request);
            case TaskStatus.QUEUED -> fleetTasks.held(worker, request.taskId())
                    .chain(task -> workers.fail(worker.caller(), task.id(), task.leaseToken(),
                            error(request.errorDetails(), request.outputLocation(), "requeued by the worker"), true))
                    .map(TaskRow::status);
            case TaskStatus.FAILED -> fleetTasks.held(worker, request.taskId())
                    .chain(task -> workers.fail(worker.caller(), task.id(), task.leaseToken(),
                            error(request.outputLocation(), request.errorDetails(), "failed by the worker"), false))
                    .map(TaskRow::status);
            case TaskStatus.CANCELLED -> cancel(worker, request.taskId(),
                    error(request.outputLocation(), null, "cancelled by the worker"));
            default -> Uni.createFrom().failure(ProblemException.validation("status",
                    "a task is completed with complete_task, not update-task-status"));
        });
    }

    /**
     * In Progress: the billing start ({@code reset_generation_started_at}, after the model loaded), or
     * an orchestrator's "orchestrating" report ({@code output_location}: it hands itself over to wait
     * for its children), or a plain confirmation that the worker still holds it.
     */
    private Uni<String> inProgress(FleetWorker worker, EdgeRequests.UpdateTaskStatus request) {
        if (Boolean.TRUE.equals(request.resetGenerationStartedAt())) {
            return fleetTasks.held(worker, request.taskId())
                    .chain(task -> workers.start(worker.caller(), task.id(), task.leaseToken(),
                            config.compat().leaseDuration()))
                    .map(TaskRow::status);
        }
        if (request.outputLocation() == null) {
            return fleetTasks.held(worker, request.taskId()).map(TaskRow::status);
        }
        return fleetTasks.visible(worker, request.taskId()).chain(task -> {
            if (task.awaitingChildrenSince() != null && TaskStatus.IN_PROGRESS.equals(task.status())) {
                // Already handed over (a retried report): nothing more to do.
                return Uni.createFrom().item(task.status());
            }
            if (!FleetTasks.holds(worker, task)) {
                return Uni.createFrom().failure(EdgeErrors.leaseLost());
            }
            if (!task.isOrchestrator()) {
                return Uni.createFrom().failure(ProblemException.unprocessable(EdgeErrors.NOT_AN_ORCHESTRATOR,
                        "Only an orchestrator waits for children; complete this task with complete_task."));
            }
            return db.inTransaction(worker.actor(), connection -> orchestrations
                    .awaitChildren(connection, task.id(), task.leaseToken()))
                    .map(handed -> {
                        if (handed == null) {
                            throw EdgeErrors.leaseLost();
                        }
                        return handed.outcome() == Orchestrations.Outcome.COMPLETED ? TaskStatus.COMPLETE
                                : handed.outcome() == Orchestrations.Outcome.FAILED ? TaskStatus.FAILED
                                        : TaskStatus.IN_PROGRESS;
                    });
        });
    }

    /**
     * An orchestrator cancelling one of its children (or a worker its own task): the caller must hold the
     * task's lease or its parent's; the ordinary cancellation cascade follows.
     */
    private Uni<String> cancel(FleetWorker worker, UUID taskId, String reason) {
        return fleetTasks.visible(worker, taskId).chain(task -> {
            if (FleetTasks.holds(worker, task)) {
                return cancelFenced(worker, task, task.leaseToken(), reason);
            }
            if (task.parentTaskId() == null) {
                return Uni.createFrom().failure(EdgeErrors.leaseLost());
            }
            return fleetTasks.held(worker, task.parentTaskId())
                    .chain(parent -> cancelFenced(worker, task, parent.leaseToken(), reason));
        });
    }

    private Uni<String> cancelFenced(FleetWorker worker, TaskRow task, UUID leaseToken, String reason) {
        return db.inTransaction(worker.actor(), connection -> tasks.cancelAsHolder(connection, task.id(), leaseToken,
                reason).chain(cancelled -> {
                    if (cancelled == null) {
                        return tasks.find(connection, task.id()).map(current -> {
                            if (current != null && current.isTerminal()) {
                                throw ProblemException.conflict(ai.reigh.common.error.ErrorCode.INVALID_TRANSITION,
                                        "The task is already " + current.status() + ".");
                            }
                            throw EdgeErrors.leaseLost();
                        });
                    }
                    return cascade.afterCancellation(connection, List.of(task.id())).replaceWith(cancelled.status());
                }));
    }

    static String error(String first, String second, String otherwise) {
        String error = first != null && !first.isBlank() ? first : second != null && !second.isBlank() ? second : otherwise;
        return error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
    }
}
