package ai.reigh.tasks.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.TaskRepository.ParentLock;

/**
 * What a worker holding a parent's lease may create under it (security review, finding 1): only an
 * orchestrator has children, only of the types its family spawns (configuration, not the worker's
 * word), none depending on its parent or a task above it (it would wait for the task that waits for
 * it), none nested deeper than the bound, and no more than the bound per parent. Checked under the
 * parent's lock; each refusal is a 422 with its own code.
 */
@ApplicationScoped
public class SubTaskRules {
    private final TasksConfig config;

    public SubTaskRules(TasksConfig config) {
        this.config = config;
    }

    /** The checks on the locked parent and the request; throws the refusal. */
    public void check(ParentLock parent, String childType, List<UUID> dependencies) {
        List<String> family = config.families().get(parent.taskType());
        if (!parent.orchestration() || family == null || family.isEmpty()) {
            throw ProblemException.unprocessable(TasksErrors.NOT_AN_ORCHESTRATOR, "Tasks of type '" + parent.taskType()
                    + "' are not orchestrators and cannot create sub-tasks.");
        }
        if (!family.contains(childType)) {
            throw ProblemException.unprocessable(TasksErrors.CHILD_TYPE_NOT_ALLOWED, "A '" + parent.taskType()
                    + "' may create sub-tasks of types " + String.join(", ", family) + " only.");
        }
        if (dependencies.stream().anyMatch(parent.lineage()::contains)) {
            throw ProblemException.unprocessable(TasksErrors.DEPENDS_ON_PARENT,
                    "A sub-task may not depend on its parent task or on a task above it.");
        }
        if (parent.depth() >= config.maxNestingDepth()) {
            throw ProblemException.unprocessable(TasksErrors.NESTING_TOO_DEEP,
                    "Sub-tasks nest at most " + config.maxNestingDepth() + " levels below a top-level task.");
        }
    }

    /** The bound on children per parent, counted after the parent's lock. */
    public void checkChildren(long children) {
        if (children >= config.maxChildrenPerTask()) {
            throw ProblemException.unprocessable(ErrorCode.UNPROCESSABLE,
                    "A task may create at most " + config.maxChildrenPerTask() + " sub-tasks.");
        }
    }
}
