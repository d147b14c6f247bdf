package ai.reigh.tasks.repository;

import java.util.UUID;

/** A row of {@code realtime_events}: one change of a project's task, generation or shot link. */
public record RealtimeEvent(long id, UUID projectId, String event, String tableName, String op, UUID rowId,
        String status) {
}
