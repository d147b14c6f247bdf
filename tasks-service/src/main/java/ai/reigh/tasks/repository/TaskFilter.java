package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a task list or count keeps, all conditions together (AND); null or empty means "any".
 * {@code projectIds}: tasks of these projects (the caller's; checked before); {@code statuses},
 * {@code taskTypes}: any of them; {@code excludedTaskTypes}: none of them; {@code topLevel}: true
 * keeps tasks without a parent, false only sub-tasks; {@code updatedAfter} / {@code processedAfter}:
 * at or after that time ({@code updated_at} / {@code generation_processed_at}); {@code byProcessing}:
 * the order is the processing time instead of the creation time (finished tasks only).
 */
public record TaskFilter(List<UUID> projectIds, List<String> statuses, List<String> taskTypes,
        List<String> excludedTaskTypes, Boolean topLevel, UUID parentTaskId, Instant updatedAfter,
        Instant processedAfter, boolean byProcessing) {

    public static TaskFilter none() {
        return new TaskFilter(null, null, null, null, null, null, null, null, false);
    }

    public static TaskFilter ofProject(UUID projectId) {
        return new TaskFilter(projectId == null ? null : List.of(projectId), null, null, null, null, null, null, null,
                false);
    }
}
