package ai.reigh.credits.rest;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.TaskCostConfigRow;
import ai.reigh.credits.repository.TaskTypeRow;

/**
 * {@code TaskCostConfig}, plus {@code display_name}, the current {@code version} and
 * {@code updated_at} (when that version took effect), and what the web app shows of a task type:
 * {@code tool_type}, {@code is_visible}, {@code supports_progress}.
 */
public record TaskCostConfigView(String taskType, String billingType, BigDecimal baseCostPerSecond, BigDecimal unitCost,
        JsonNode costFactors, String runType, String category, String contentType, String displayName, boolean isActive,
        int version, Instant updatedAt, String toolType, boolean isVisible, boolean supportsProgress) {

    static TaskCostConfigView of(TaskTypeRow type) {
        TaskCostConfigRow row = type.config();
        return new TaskCostConfigView(row.taskType(), row.billingType(), CreditsJson.normalized(row.baseCostPerSecond()),
                CreditsJson.normalized(row.unitCost()), row.costFactors(), row.runType(), row.category(),
                row.contentType(), row.displayName(), row.isActive(), row.version(), row.validFrom(), type.toolType(),
                type.isVisible(), type.supportsProgress());
    }
}
