package ai.reigh.tasks.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.TaskLeaseView;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.Ended;
import ai.reigh.tasks.repository.Heartbeat;
import ai.reigh.tasks.repository.HeartbeatOutcome;
import ai.reigh.tasks.repository.LeaseRepository;
import ai.reigh.tasks.repository.NewTask;
import ai.reigh.tasks.repository.TaskRepository;
import ai.reigh.tasks.repository.TaskRow;
import ai.reigh.tasks.repository.TaskStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The worker protocol after the claim: heartbeat, start, fail and sub-tasks ({@link Completions}
 * records completions). Every write is fenced by the task's current lease (compare-and-set in the
 * statement); when a write matches no row, a fresh read says why: the task is not the caller's to see
 * (404), or the lease is no longer the caller's (409 {@code lease_lost}).
 */
@ApplicationScoped
public class WorkerService {
    private final Db db;
    private final LeaseRepository leases;
    private final TaskRepository tasks;
    private final TaskService taskService;
    private final EndingCascade cascade;
    private final TaskMetrics metrics;
    private final SubTaskRules subTaskRules;
    private final TasksConfig config;

    public WorkerService(Db db, LeaseRepository leases, TaskRepository tasks, TaskService taskService,
            EndingCascade cascade, TaskMetrics metrics, SubTaskRules subTaskRules, TasksConfig config) {
        this.db = db;
        this.leases = leases;
        this.tasks = tasks;
        this.taskService = taskService;
        this.cascade = cascade;
        this.metrics = metrics;
        this.subTaskRules = subTaskRules;
        this.config = config;
    }

    // ---- heartbeat -----------------------------------------------------------------------------------

    /**
     * A heartbeat as the resource validated it: the tasks it names ({@code taskIds}, or {@code leaseTaskIds}
     * with their tokens), or every task the worker holds ({@code renewAllHeld}: the fleet's heartbeats name
     * none); each renewal gives {@code leaseDuration}.
     */
    public record Beat(String workerId, String status, String currentModel, Integer vramTotalMb, Integer vramUsedMb,
            List<UUID> taskIds, List<UUID> leaseTaskIds, List<UUID> leaseTokens, boolean renewAllHeld,
            Duration leaseDuration) {
    }

    /**
     * {@code lost}: named tasks whose lease the worker no longer holds (taken back, reassigned,
     * finished); nothing was written for them. {@code renewed}: the tasks whose lease this beat renewed.
     */
    public record BeatAnswer(List<UUID> cancelled, List<UUID> lost, List<UUID> renewed, Instant leaseExpiresAt) {
    }

    public Uni<BeatAnswer> heartbeat(Caller caller, Beat beat) {
        List<UUID> ids = new ArrayList<>();
        List<UUID> tokens = new ArrayList<>();
        Set<UUID> seen = new LinkedHashSet<>();
        for (int i = 0; i < beat.leaseTaskIds().size(); i++) {
            if (seen.add(beat.leaseTaskIds().get(i))) {
                ids.add(beat.leaseTaskIds().get(i));
                tokens.add(beat.leaseTokens().get(i));
            }
        }
        for (UUID id : beat.taskIds()) {
            if (seen.add(id)) {
                ids.add(id);
                tokens.add(null);
            }
        }
        Heartbeat heartbeat = new Heartbeat(beat.workerId(), caller.workerOwnerId().orElse(null), beat.status(),
                beat.currentModel(), beat.vramTotalMb(), beat.vramUsedMb(), ids, tokens, beat.leaseDuration(),
                beat.renewAllHeld());
        if (!heartbeat.releases()) {
            // The common case is one statement: one round trip.
            return leases.heartbeat(db, caller.asWorker(), heartbeat).map(outcome -> answer(seen, outcome));
        }
        return db.inTransaction(caller.asWorker(), connection -> leases.heartbeat(connection, heartbeat)
                .call(() -> releaseCrashed(connection, heartbeat.workerId(), heartbeat.ownerId()))
                .map(outcome -> answer(seen, outcome)));
    }

    private static BeatAnswer answer(Set<UUID> named, HeartbeatOutcome outcome) {
        List<UUID> lost = new ArrayList<>(named);
        lost.removeAll(outcome.renewed());
        lost.removeAll(outcome.cancelled());
        return new BeatAnswer(outcome.cancelled(), lost, outcome.renewed(), outcome.leaseExpiresAt());
    }

    /** The crashed worker's own tasks: its id in its owner's namespace ({@code ownerId} null: a cloud worker). */
    private Uni<Void> releaseCrashed(SqlConnection connection, String workerId, UUID ownerId) {
        return leases.releaseWorkerTasks(connection, workerId, ownerId).chain(ended -> {
            List<UUID> failed = ended.stream().filter(task -> TaskStatus.FAILED.equals(task.status())).map(Ended::id).toList();
            metrics.failed(failed.size());
            metrics.requeued(ended.size() - failed.size());
            return cascade.afterFailure(connection, failed).replaceWithVoid();
        });
    }

    // ---- start, fail ---------------------------------------------------------------------------------

    /** Billing starts now (the model is loaded); the lease is renewed too. */
    public Uni<TaskRow> start(Caller caller, UUID taskId, UUID leaseToken) {
        return start(caller, taskId, leaseToken, config.leaseDuration());
    }

    /** The same, renewing the lease for {@code lease} (the fleet's protocol has its own lease length). */
    public Uni<TaskRow> start(Caller caller, UUID taskId, UUID leaseToken, Duration lease) {
        return leases.start(db, caller.asWorker(), taskId, leaseToken, lease)
                .chain(started -> started != null ? Uni.createFrom().item(started)
                        : tasks.find(db, caller.asWorker(), taskId).map(WorkerService::refuse));
    }

    public Uni<TaskRow> fail(Caller caller, UUID taskId, UUID leaseToken, String error, boolean retryable) {
        return db.inTransaction(caller.asWorker(), connection -> leases
                .fail(connection, taskId, leaseToken, error, retryable, config.retryBackoffBase(),
                        config.retryBackoffMax())
                .chain(task -> {
                    if (task == null) {
                        return whyNot(connection, taskId);
                    }
                    if (TaskStatus.FAILED.equals(task.status())) {
                        metrics.failed(1);
                        return cascade.afterFailure(connection, List.of(taskId)).replaceWith(task);
                    }
                    metrics.requeued(1);
                    return Uni.createFrom().item(task);
                }));
    }

    // ---- sub-tasks -----------------------------------------------------------------------------------

    /** A sub-task as the resource validated it; {@code id}: the id the worker chose (the fleet's protocol), or null. */
    public record Child(UUID parentTaskId, UUID leaseToken, String taskType, JsonNode params, List<UUID> dependantOn,
            String idempotencyKey, UUID id) {
    }

    /**
     * Creates a sub-task in the parent's project while the caller holds the parent's lease (checked
     * under the parent's lock, so the lease cannot be taken back before the insert commits), within
     * {@link SubTaskRules}. Idempotency keys are scoped to the parent. The sub-task is charged on its
     * own when it completes, like any task.
     */
    public Uni<TaskService.Created> createChild(Caller caller, Child child) {
        TaskInput.validateParams(child.params(), config.maxParamsBytes());
        List<UUID> dependencies = TaskInput.distinct(child.dependantOn());
        String key = child.idempotencyKey() == null ? null : "child:" + child.parentTaskId() + ":" + child.idempotencyKey();
        return db.inTransaction(caller.asWorker(), connection -> tasks
                .lockParent(connection, child.parentTaskId(), child.leaseToken(), config.maxNestingDepth())
                .chain(parent -> {
                    if (parent == null) {
                        return Uni.createFrom().failure(ProblemException.notFound("Parent task"));
                    }
                    if (!parent.isHeld()) {
                        return Uni.createFrom().failure(ProblemException.conflict(ErrorCode.LEASE_LOST,
                                "This worker no longer holds the parent task's lease; nothing was written."));
                    }
                    subTaskRules.check(parent, child.taskType(), dependencies);
                    return tasks.countChildren(connection, child.parentTaskId(), config.maxChildrenPerTask())
                            .chain(children -> {
                                subTaskRules.checkChildren(children);
                                String hash = TaskService.requestHash(parent.projectId(), child.taskType(),
                                        child.params(), dependencies, child.parentTaskId());
                                return taskService.insert(connection, new NewTask(child.id(), parent.projectId(),
                                        parent.userId(), child.taskType(), child.params(), dependencies,
                                        child.parentTaskId(), config.maxAttempts(), key, hash));
                            });
                }));
    }

    // ---- storage-service's lease check -----------------------------------------------------------------

    public Uni<TaskLeaseView> leaseHeldBy(UUID taskId, UUID leaseToken) {
        return db.inTransaction(Actor.service(), connection -> leases.leaseView(connection, taskId)).map(lease -> {
            if (lease == null) {
                throw ProblemException.notFound("Task");
            }
            if (!TaskStatus.IN_PROGRESS.equals(lease.status()) || !leaseToken.equals(lease.leaseToken())) {
                throw ProblemException.conflict(ErrorCode.LEASE_LOST, "The lease token is not the task's current lease.");
            }
            return new TaskLeaseView(lease.taskId(), lease.userId(), lease.projectId(), lease.leaseExpiresAt());
        });
    }

    /** After a fenced write matched nothing: 404 when the caller cannot see the task, else 409. */
    private Uni<TaskRow> whyNot(SqlConnection connection, UUID taskId) {
        return tasks.find(connection, taskId).map(WorkerService::refuse);
    }

    private static TaskRow refuse(TaskRow current) {
        if (current == null) {
            throw ProblemException.notFound("Task");
        }
        throw ProblemException.conflict(ErrorCode.LEASE_LOST,
                "This worker no longer holds the task's lease; nothing was written.");
    }
}
