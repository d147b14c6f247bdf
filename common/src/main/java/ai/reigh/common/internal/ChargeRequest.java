package ai.reigh.common.internal;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Charge a Complete task: server timestamps of the billed run ({@code started_at} is when the worker
 * called start, {@code processed_at} the completion). One spend per task, whatever the replays.
 */
public record ChargeRequest(
        @NotNull UUID taskId,
        @NotNull UUID userId,
        @NotBlank String taskType,
        JsonNode params,
        @NotNull Instant startedAt,
        @NotNull Instant processedAt) {
}
