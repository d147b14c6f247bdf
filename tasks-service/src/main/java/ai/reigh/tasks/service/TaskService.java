package ai.reigh.tasks.service;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.CanonicalJson;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.CreateOutcome;
import ai.reigh.tasks.repository.NewTask;
import ai.reigh.tasks.repository.TaskCounts;
import ai.reigh.tasks.repository.TaskFilter;
import ai.reigh.tasks.repository.TaskRepository;
import ai.reigh.tasks.repository.TaskRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Tasks as their owners see them: create (idempotent), read, count, cancel. */
@ApplicationScoped
public class TaskService {
    private final Db db;
    private final TaskRepository tasks;
    private final EndingCascade cascade;
    private final CreationRateLimiter rateLimiter;
    private final TaskMetrics metrics;
    private final TasksConfig config;

    public TaskService(Db db, TaskRepository tasks, EndingCascade cascade, CreationRateLimiter rateLimiter,
            TaskMetrics metrics, TasksConfig config) {
        this.db = db;
        this.tasks = tasks;
        this.cascade = cascade;
        this.rateLimiter = rateLimiter;
        this.metrics = metrics;
        this.config = config;
    }

    /** A creation request, validated for shape by the resource. */
    public record Creation(UUID projectId, String taskType, JsonNode params, List<UUID> dependantOn,
            String idempotencyKey) {
    }

    /** The task, and whether this request created it (201) or replayed an earlier one (200). */
    public record Created(TaskRow task, boolean created) {
    }

    public Uni<Created> create(Caller caller, Creation creation) {
        UUID userId = caller.requireUserId();
        TaskInput.validateParams(creation.params(), config.maxParamsBytes());
        List<UUID> dependencies = TaskInput.distinct(creation.dependantOn());
        rateLimiter.acquire(userId);
        String hash = requestHash(creation.projectId(), creation.taskType(), creation.params(), dependencies, null);
        NewTask task = new NewTask(null, creation.projectId(), userId, creation.taskType(), creation.params(), dependencies,
                null, config.maxAttempts(), creation.idempotencyKey(), hash);
        return tasks.create(db, caller.asUser(), task)
                .chain(outcome -> resolve(outcome, task,
                        () -> tasks.findByIdempotencyKey(db, caller.asUser(), userId, task.idempotencyKey())));
    }

    /**
     * Runs the creation statement and turns its findings into the answer. Shared with sub-task
     * creation (whose parent check happens first, in the same transaction).
     */
    Uni<Created> insert(SqlConnection connection, NewTask task) {
        return tasks.create(connection, task).chain(outcome -> resolve(outcome, task,
                () -> tasks.findByIdempotencyKey(connection, task.userId(), task.idempotencyKey())));
    }

    private Uni<Created> resolve(CreateOutcome outcome, NewTask task, Supplier<Uni<TaskRow>> findByKey) {
        Uni<Created> created;
        if (outcome.task() != null) {
            created = Uni.createFrom().item(replayOrCreated(outcome.task(), outcome.created(), task.requestHash()));
        } else {
            refuse(outcome, task);
            // Every check passed and nothing was inserted: a concurrent request took the key first.
            created = findByKey.get().map(existing -> {
                if (existing == null) {
                    throw ProblemException.unavailable("The task could not be created; retry.");
                }
                return replayOrCreated(existing, false, task.requestHash());
            });
        }
        return created.invoke(result -> {
            if (result.created()) {
                metrics.created();
            }
        });
    }

    private static void refuse(CreateOutcome outcome, NewTask task) {
        if (!outcome.projectFound()) {
            throw ProblemException.notFound("Project");
        }
        if (!outcome.typeFound()) {
            throw ProblemException.validation("task_type", "is not a known, active task type");
        }
        if (outcome.dependenciesFound() < task.dependantOn().size()) {
            throw ProblemException.notFound("Dependency task");
        }
        if (outcome.failedDependency() != null) {
            throw ProblemException.conflict(ErrorCode.DEPENDENCY_FAILED,
                    "Dependency " + outcome.failedDependency() + " already ended Failed or Cancelled.");
        }
        if (task.idempotencyKey() == null) {
            throw ProblemException.unavailable("The task could not be created; retry.");
        }
    }

    private static Created replayOrCreated(TaskRow task, boolean created, String requestHash) {
        if (!created && !requestHash.equals(task.requestHash())) {
            throw ProblemException.conflict(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This idempotency key was used for a different request.");
        }
        return new Created(task, created);
    }

    static String requestHash(UUID projectId, String taskType, JsonNode params, List<UUID> dependencies,
            UUID parentTaskId) {
        ObjectNode request = CanonicalJson.object();
        request.put("project_id", projectId.toString());
        request.put("task_type", taskType);
        request.set("params", params);
        var deps = request.putArray("dependant_on");
        dependencies.stream().map(UUID::toString).sorted().forEach(deps::add);
        if (parentTaskId != null) {
            request.put("parent_task_id", parentTaskId.toString());
        }
        return CanonicalJson.sha256(request);
    }

    public Uni<TaskRow> get(Caller caller, UUID id) {
        return tasks.find(db, caller.asUser(), id).map(task -> {
            if (task == null) {
                throw ProblemException.notFound("Task");
            }
            return task;
        });
    }

    /**
     * The caller's tasks that the filter keeps, in its order; with {@code page.includeTotal()} the
     * number of them too, counted in the same transaction (one snapshot per statement, so a task
     * created in between may be in one and not the other). Every named project must be the caller's.
     */
    public Uni<Page<TaskRow>> list(Caller caller, TaskFilter filter, PageRequest page) {
        UUID userId = caller.requireUserId();
        java.util.function.Function<TaskRow, java.time.Instant> position = filter.byProcessing()
                ? TaskRow::generationProcessedAt : TaskRow::createdAt;
        // The page checks that the projects asked for are visible itself; only an empty page asks which
        // answer it is (an empty page, or a 404).
        return db.inPageTransaction(caller.asUser(), filter.pageRead(), connection -> tasks
                .ownPage(connection, userId, filter, page.afterCreatedAt(), page.afterId(), page.fetchSize())
                .call(rows -> rows.isEmpty() ? requireProjects(connection, filter.projectIds()) : Uni.createFrom().voidItem())
                .map(rows -> Page.of(rows, page, position, TaskRow::id))
                .chain(rows -> !page.includeTotal() ? Uni.createFrom().item(rows)
                        : tasks.ownTotal(connection, userId, filter).map(rows::withTotal)));
    }

    public Uni<TaskCounts> counts(Caller caller, TaskFilter filter) {
        UUID userId = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> requireProjects(connection, filter.projectIds())
                .chain(() -> tasks.counts(connection, userId, filter)));
    }

    /** Queued/In Progress → Cancelled (the worker learns it from its next heartbeat); terminal → 409. */
    public Uni<TaskRow> cancel(Caller caller, UUID id) {
        return cancel(caller.asUser(), id);
    }

    /**
     * The same, for whoever {@code actor} is: its owner, or an operator (who sees every task); the
     * task's history records who it was.
     */
    public Uni<TaskRow> cancel(Actor actor, UUID id) {
        return db.inTransaction(actor, connection -> tasks.cancel(connection, id).chain(cancelled -> {
            if (cancelled == null) {
                return tasks.find(connection, id).map(current -> {
                    if (current == null) {
                        throw ProblemException.notFound("Task");
                    }
                    throw ProblemException.conflict(ErrorCode.INVALID_TRANSITION,
                            "The task is " + current.status() + "; only Queued or In Progress tasks can be cancelled.");
                });
            }
            return cascade.afterCancellation(connection, List.of(id)).replaceWith(cancelled);
        }));
    }

    private Uni<Void> requireProjects(SqlConnection connection, List<UUID> projectIds) {
        if (projectIds == null || projectIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tasks.projectsVisible(connection, projectIds).map(visible -> {
            if (!visible) {
                throw ProblemException.notFound("Project");
            }
            return null;
        });
    }
}
