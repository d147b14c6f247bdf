package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import ai.reigh.common.db.Db.PageRead;

/**
 * What a task list or count keeps, all conditions together (AND); null or empty means "any".
 * {@code projectIds}: tasks of these projects (the caller's; checked before); {@code statuses},
 * {@code taskTypes}: any of them; {@code excludedTaskTypes}: none of them; {@code topLevel}: true
 * keeps tasks without a parent, false only sub-tasks; {@code updatedAfter} / {@code processedAfter}:
 * at or after that time ({@code updated_at} / {@code generation_processed_at}); {@code byProcessing}:
 * the order is the processing time instead of the creation time (finished tasks only). The operator's
 * filters: {@code workerId}, the worker that holds (or last held) the task; {@code createdAfter} (at or
 * after) and {@code createdBefore} (strictly before), a window on the creation time.
 */
public record TaskFilter(List<UUID> projectIds, List<String> statuses, List<String> taskTypes,
        List<String> excludedTaskTypes, Boolean topLevel, UUID parentTaskId, Instant updatedAfter,
        Instant processedAfter, boolean byProcessing, String workerId, Instant createdAfter, Instant createdBefore) {

    public static TaskFilter none() {
        return new TaskFilter(null, null, null, null, null, null, null, null, false, null, null, null);
    }

    public static TaskFilter ofProject(UUID projectId) {
        return new TaskFilter(projectId == null ? null : List.of(projectId), null, null, null, null, null, null, null,
                false, null, null, null);
    }

    /**
     * A parent's sub-tasks are a few rows with their own index: a page of them fetches them and sorts.
     * Any other page of the caller's tasks walks an index in order.
     */
    public PageRead pageRead() {
        return parentTaskId != null ? PageRead.FEW_THEN_SORT : PageRead.IN_ORDER;
    }

    /** The same filter, narrowed to the operator's worker and creation window. */
    public TaskFilter withOperatorFilters(String worker, Instant after, Instant before) {
        return new TaskFilter(projectIds, statuses, taskTypes, excludedTaskTypes, topLevel, parentTaskId, updatedAfter,
                processedAfter, byProcessing, worker, after, before);
    }
}
