package ai.reigh.credits.repository;

import java.util.UUID;

/**
 * Everything a charge is decided on, read in one statement: the task as tasks-service recorded it
 * ({@code null} when the row is gone, e.g. deleted with its project after completing), the task's
 * existing spend, and the config version in force when the task started.
 */
public record ChargeContext(RecordedTask task, LedgerEntryRow existingSpend, TaskCostConfigRow config) {

    /** The {@code tasks} columns credits-service may read. */
    public record RecordedTask(UUID userId, String taskType, String status, UUID parentTaskId) {
        public static final String COMPLETE = "Complete";

        public boolean isSubTask() {
            return parentTaskId != null;
        }

        public boolean isComplete() {
            return COMPLETE.equals(status);
        }
    }
}
