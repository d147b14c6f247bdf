package ai.reigh.tasks.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.tasks.repository.OrchestratorRepository;
import ai.reigh.tasks.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * What follows, in the same transaction, when tasks end badly: an orchestrator's pending sub-tasks
 * are cancelled, the Queued dependants of everything that ended (and theirs) fail, naming the
 * dependency, and an orchestrator waiting for a child that ended badly fails with it (then the same
 * follows for it: its other children are cancelled, its dependants fail).
 */
@ApplicationScoped
public class EndingCascade {
    /** Orchestrators nest a few levels at most; the cascade climbs no further than this. */
    static final int MAX_PARENT_LEVELS = 20;

    private final TaskRepository tasks;
    private final OrchestratorRepository orchestrators;
    private final TaskMetrics metrics;

    public EndingCascade(TaskRepository tasks, OrchestratorRepository orchestrators, TaskMetrics metrics) {
        this.tasks = tasks;
        this.orchestrators = orchestrators;
        this.metrics = metrics;
    }

    /**
     * {@code failed}: tasks that just became Failed. A failed orchestrator's pending sub-tasks are
     * cancelled (nothing would use their output: running them would only cost their owner); then the
     * dependants of all of them fail. Returns what it ended.
     */
    public Uni<List<UUID>> afterFailure(SqlConnection connection, List<UUID> failed) {
        return afterEnding(connection, failed, 0);
    }

    /** {@code cancelled}: tasks that just became Cancelled (their sub-tasks are cancelled too). */
    public Uni<List<UUID>> afterCancellation(SqlConnection connection, List<UUID> cancelled) {
        return afterEnding(connection, cancelled, 0);
    }

    private Uni<List<UUID>> afterEnding(SqlConnection connection, List<UUID> ended, int level) {
        if (ended.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return tasks.cancelSubtrees(connection, ended).chain(subtasks -> {
            List<UUID> all = new ArrayList<>(ended);
            all.addAll(subtasks);
            return tasks.failDependants(connection, all).chain(doomed -> {
                metrics.failed(doomed.size());
                List<UUID> cascaded = new ArrayList<>(subtasks);
                cascaded.addAll(doomed);
                List<UUID> children = new ArrayList<>(all);
                children.addAll(doomed);
                if (level >= MAX_PARENT_LEVELS) {
                    return Uni.createFrom().item(cascaded);
                }
                return orchestrators.failAwaitingParents(connection, children).chain(parents -> {
                    metrics.failed(parents.size());
                    cascaded.addAll(parents);
                    return afterEnding(connection, parents, level + 1).map(more -> {
                        cascaded.addAll(more);
                        return cascaded;
                    });
                });
            });
        });
    }
}
