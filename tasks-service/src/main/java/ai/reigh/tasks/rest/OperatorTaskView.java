package ai.reigh.tasks.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.tasks.repository.OperatorTaskRepository;
import ai.reigh.tasks.repository.TaskHistoryRepository;
import ai.reigh.tasks.repository.TaskRow;
import ai.reigh.tasks.rest.AdminOutboxResource.OutboxView;
import ai.reigh.tasks.service.OperatorTasks;

/**
 * A task as an operator sees it: the owner's view plus its owner, whether it orchestrates, and its
 * lease's expiry (never the lease token: an operator acts through cancel and requeue, not as the worker).
 */
public record OperatorTaskView(UUID id, UUID userId, UUID projectId, String taskType, String status, JsonNode params,
        List<UUID> dependantOn, UUID parentTaskId, boolean isOrchestrator, String outputLocation, String workerId,
        int attempts, int maxAttempts, String errorMessage, JsonNode resultData, Instant leaseExpiresAt,
        Instant runAfter, Instant generationStartedAt, Instant generationProcessedAt, Instant createdAt,
        Instant updatedAt) {

    static OperatorTaskView of(TaskRow row) {
        return new OperatorTaskView(row.id(), row.userId(), row.projectId(), row.taskType(), row.status(), row.params(),
                row.dependantOn(), row.parentTaskId(), row.isOrchestrator(), row.outputLocation(), row.workerId(),
                row.attempts(), row.maxAttempts(), row.errorMessage(), row.resultData(), row.leaseExpiresAt(),
                row.runAfter(), row.generationStartedAt(), row.generationProcessedAt(), row.createdAt(),
                row.updatedAt());
    }

    /** One task with what explains it: its history (oldest first), children and dependencies, completion effects. */
    public record Detail(OperatorTaskView task, List<TaskHistoryRepository.Line> history,
            List<OperatorTaskRepository.Relative> relatives, List<OutboxView> effects) {

        static Detail of(OperatorTasks.Detail detail) {
            return new Detail(OperatorTaskView.of(detail.task()), detail.history(), detail.relatives(),
                    detail.effects().stream().map(OutboxView::of).toList());
        }
    }
}
