package ai.reigh.tasks.rest;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /v1/workers/heartbeat}. {@code task_ids} renews the tasks this worker holds (by worker
 * id); {@code leases} (an addition to API.md) renews by lease token, the stricter fence.
 */
public record HeartbeatRequest(
        @NotBlank @Size(max = 128) String workerId,
        @Pattern(regexp = "active|inactive|crashed|spawning|terminating|terminated",
                message = "must be one of active, inactive, crashed, spawning, terminating, terminated") String status,
        @Size(max = 200) String currentModel,
        @Min(0) @Max(100_000_000) Integer vramTotalMb,
        @Min(0) @Max(100_000_000) Integer vramUsedMb,
        @Size(max = 100) List<@NotNull UUID> taskIds,
        @Size(max = 100) List<@NotNull @Valid LeaseRef> leases) {

    public record LeaseRef(@NotNull UUID taskId, @NotNull UUID leaseToken) {
    }
}
