package ai.reigh.tasks.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.tasks.repository.OperatorTaskRepository;
import ai.reigh.tasks.repository.OutboxEntry;
import ai.reigh.tasks.repository.OutboxRepository;
import ai.reigh.tasks.repository.TaskFilter;
import ai.reigh.tasks.repository.TaskHistoryRepository;
import ai.reigh.tasks.repository.TaskRepository;
import ai.reigh.tasks.repository.TaskRow;
import io.smallrye.mutiny.Uni;

/**
 * The operator's tasks: every owner's, filtered; one task with everything that explains it (history,
 * relatives, completion effects); cancel; and requeue of a Failed task. Every change is made acting as
 * the admin, so the task's history names who made it.
 */
@ApplicationScoped
public class OperatorTasks {
    /** An operator's reason is kept in the task's history next to the workers' own. */
    public static final int MAX_REASON_LENGTH = 500;

    private final Db db;
    private final TaskRepository tasks;
    private final OperatorTaskRepository operator;
    private final TaskHistoryRepository history;
    private final OutboxRepository outbox;
    private final TaskService owners;

    public OperatorTasks(Db db, TaskRepository tasks, OperatorTaskRepository operator, TaskHistoryRepository history,
            OutboxRepository outbox, TaskService owners) {
        this.db = db;
        this.tasks = tasks;
        this.operator = operator;
        this.history = history;
        this.outbox = outbox;
        this.owners = owners;
    }

    /** A task with what explains it. */
    public record Detail(TaskRow task, List<TaskHistoryRepository.Line> history,
            List<OperatorTaskRepository.Relative> relatives, List<OutboxEntry> effects) {
    }

    /** Tasks of {@code ownerId} (null: everyone's) the filter keeps, newest first. */
    public Uni<Page<TaskRow>> list(UUID adminId, UUID ownerId, TaskFilter filter, PageRequest page) {
        return db.inTransaction(Actor.admin(adminId), connection -> tasks.page(connection, ownerId, filter,
                page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Page.of(rows, page, TaskRow::createdAt, TaskRow::id));
    }

    public Uni<Detail> detail(UUID adminId, UUID id) {
        return db.inTransaction(Actor.admin(adminId), connection -> tasks.find(connection, id).chain(task -> {
            if (task == null) {
                throw ProblemException.notFound("Task");
            }
            return history.ofTask(connection, id).chain(lines -> operator.relatives(connection, id)
                    .chain(relatives -> outbox.ofTask(connection, id)
                            .map(effects -> new Detail(task, lines, relatives, effects))));
        }));
    }

    public Uni<TaskRow> cancel(UUID adminId, UUID id) {
        return owners.cancel(Actor.admin(adminId), id);
    }

    /**
     * Failed → Queued with a fresh set of attempts, the reason in its history. Idempotent: a task an
     * operator requeued that has not failed again since is answered as it is (200, unchanged), so a
     * double click or a retried request requeues once. Any other task is 409: one that never failed
     * (or is Cancelled or Complete), or one that cannot run again (its parent ended, or a dependency
     * failed or was cancelled; requeue those first).
     */
    public Uni<TaskRow> requeue(UUID adminId, UUID id, String reason) {
        return db.inTransaction(Actor.admin(adminId), connection -> operator.requeue(connection, id, reason)
                .chain(requeued -> requeued != null ? Uni.createFrom().item(requeued)
                        : tasks.find(connection, id).chain(current -> {
                            if (current == null) {
                                throw ProblemException.notFound("Task");
                            }
                            if ("Failed".equals(current.status())) {
                                throw ProblemException.conflict(ErrorCode.DEPENDENCY_FAILED, "The task cannot run "
                                        + "again: its parent has ended, or one of its dependencies failed or was "
                                        + "cancelled.");
                            }
                            return history.requeuedSinceLastFailure(connection, id).map(requeuedAlready -> {
                                if (Boolean.TRUE.equals(requeuedAlready)) {
                                    return current;
                                }
                                throw ProblemException.conflict(ErrorCode.INVALID_TRANSITION, "The task is "
                                        + current.status() + "; only a Failed task can be requeued.");
                            });
                        })));
    }
}
