package ai.reigh.tasks.compat.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.repository.TaskRepository;
import ai.reigh.tasks.repository.TaskRow;
import ai.reigh.tasks.repository.TaskStatus;
import io.smallrye.mutiny.Uni;

/**
 * A task as a fleet worker sees it, and the lease it holds on it. The fleet never sends a lease token,
 * so the lease is resolved here from the task and the credential's worker: the worker holds a task
 * when the task is In Progress under a lease and names that worker. The lease token found is then the
 * fence of the write, in the statement, exactly as on the platform's own protocol: a lease that
 * changed in between (taken back, handed to another worker) matches nothing and the write is a 409.
 */
@ApplicationScoped
public class FleetTasks {
    private final Db db;
    private final TaskRepository tasks;

    public FleetTasks(Db db, TaskRepository tasks) {
        this.db = db;
        this.tasks = tasks;
    }

    /** The task if the worker may see it (a local worker: its owner's); 404 otherwise. */
    public Uni<TaskRow> visible(FleetWorker worker, UUID taskId) {
        return tasks.find(db, worker.actor(), taskId).map(task -> {
            if (task == null) {
                throw ProblemException.notFound("Task");
            }
            return task;
        });
    }

    /** The task the worker holds now (its lease token is the fence of the write to come); 404 or 409 otherwise. */
    public Uni<TaskRow> held(FleetWorker worker, UUID taskId) {
        return visible(worker, taskId).map(task -> {
            if (!holds(worker, task)) {
                throw EdgeErrors.leaseLost();
            }
            return task;
        });
    }

    static boolean holds(FleetWorker worker, TaskRow task) {
        return TaskStatus.IN_PROGRESS.equals(task.status()) && task.leaseToken() != null
                && worker.workerId().isPresent() && worker.workerId().get().equals(task.workerId());
    }
}
