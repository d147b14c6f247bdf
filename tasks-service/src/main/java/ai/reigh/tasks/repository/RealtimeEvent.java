package ai.reigh.tasks.repository;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A row of {@code realtime_events}: one change of a project's task, generation, variant or shot link.
 * {@code newRow}/{@code oldRow}: the changed row after and before (a delete has only the old one), as
 * its owner may see it, for the tables whose triggers record them (null otherwise).
 */
public record RealtimeEvent(long id, UUID projectId, String event, String tableName, String op, UUID rowId,
        String status, JsonNode newRow, JsonNode oldRow) {
}
