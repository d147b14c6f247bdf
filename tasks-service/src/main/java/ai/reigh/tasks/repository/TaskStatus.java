package ai.reigh.tasks.repository;

import java.util.List;

/** The seed's task statuses, spelled as stored (and as the API shows them). */
public final class TaskStatus {
    public static final String QUEUED = "Queued";
    public static final String IN_PROGRESS = "In Progress";
    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";
    public static final String CANCELLED = "Cancelled";

    public static final List<String> ALL = List.of(QUEUED, IN_PROGRESS, COMPLETE, FAILED, CANCELLED);

    private TaskStatus() {
    }

    public static boolean isTerminal(String status) {
        return COMPLETE.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
    }
}
