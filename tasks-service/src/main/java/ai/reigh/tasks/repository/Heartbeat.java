package ai.reigh.tasks.repository;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A worker's heartbeat: its state, and the tasks whose leases it renews ({@code leaseTokens} is
 * parallel to {@code taskIds}; a null token renews by worker id alone, as API.md's {@code task_ids}),
 * or, with {@code renewAllHeld} (the deployed fleet's heartbeats, which name no task), every task it
 * holds.
 */
public record Heartbeat(String workerId, UUID ownerId, String status, String currentModel, Integer vramTotalMb,
        Integer vramUsedMb, List<UUID> taskIds, List<UUID> leaseTokens, Duration leaseDuration, boolean renewAllHeld) {

    /** A worker that crashed or terminated holds nothing any more: its tasks go back to the queue. */
    public boolean releases() {
        return "crashed".equals(status) || "terminated".equals(status);
    }
}
