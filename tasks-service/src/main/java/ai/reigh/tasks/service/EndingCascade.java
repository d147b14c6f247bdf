package ai.reigh.tasks.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.tasks.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * What follows, in the same transaction, when tasks end badly: an orchestrator's pending sub-tasks
 * are cancelled, and the Queued dependants of everything that ended (and theirs) fail, naming the
 * dependency.
 */
@ApplicationScoped
public class EndingCascade {
    private final TaskRepository tasks;
    private final TaskMetrics metrics;

    public EndingCascade(TaskRepository tasks, TaskMetrics metrics) {
        this.tasks = tasks;
        this.metrics = metrics;
    }

    /**
     * {@code failed}: tasks that just became Failed. A failed orchestrator's pending sub-tasks are
     * cancelled (nothing would use their output: running them would only cost their owner); then the
     * dependants of all of them fail. Returns what it ended.
     */
    public Uni<List<UUID>> afterFailure(SqlConnection connection, List<UUID> failed) {
        return afterEnding(connection, failed);
    }

    /** {@code cancelled}: tasks that just became Cancelled (their sub-tasks are cancelled too). */
    public Uni<List<UUID>> afterCancellation(SqlConnection connection, List<UUID> cancelled) {
        return afterEnding(connection, cancelled);
    }

    private Uni<List<UUID>> afterEnding(SqlConnection connection, List<UUID> ended) {
        if (ended.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return tasks.cancelSubtrees(connection, ended).chain(subtasks -> {
            List<UUID> all = new ArrayList<>(ended);
            all.addAll(subtasks);
            return tasks.failDependants(connection, all).map(doomed -> {
                metrics.failed(doomed.size());
                List<UUID> cascaded = new ArrayList<>(subtasks);
                cascaded.addAll(doomed);
                return cascaded;
            });
        });
    }
}
