package ai.reigh.tasks.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.tasks.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * What follows, in the same transaction, when tasks end badly: their Queued dependants (and theirs)
 * fail, naming the dependency; a cancelled orchestrator's sub-tasks are cancelled (and their
 * dependants fail in turn).
 */
@ApplicationScoped
public class EndingCascade {
    private final TaskRepository tasks;
    private final TaskMetrics metrics;

    public EndingCascade(TaskRepository tasks, TaskMetrics metrics) {
        this.tasks = tasks;
        this.metrics = metrics;
    }

    /** {@code failed}: tasks that just became Failed. Returns the dependants failed with them. */
    public Uni<List<UUID>> afterFailure(SqlConnection connection, List<UUID> failed) {
        return tasks.failDependants(connection, failed).invoke(doomed -> metrics.failed(doomed.size()));
    }

    /** {@code cancelled}: tasks that just became Cancelled. */
    public Uni<List<UUID>> afterCancellation(SqlConnection connection, List<UUID> cancelled) {
        return tasks.cancelSubtrees(connection, cancelled).chain(subtasks -> {
            List<UUID> ended = new ArrayList<>(cancelled);
            ended.addAll(subtasks);
            return afterFailure(connection, ended);
        });
    }
}
