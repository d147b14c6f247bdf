package ai.reigh.credits.rest;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/task-costs/estimate}. {@code duration_seconds} (required for per_second types other
 * than orchestrators, at most 30 days) is billed like a run: {@code max(1, ceil(d))}; {@code params} is
 * the task's params.
 */
public record EstimateRequest(
        @NotNull @Pattern(regexp = "[a-z0-9_]{1,64}") String taskType,
        JsonNode params,
        @DecimalMin("0") @DecimalMax("2592000") BigDecimal durationSeconds) {
}
