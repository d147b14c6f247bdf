package ai.reigh.credits.repository;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A task type's cost config: the current row of {@code task_cost_configs} or one of its versions in
 * {@code task_cost_config_versions} ({@code validFrom} is then when that version took effect).
 */
public record TaskCostConfigRow(String taskType, String billingType, BigDecimal baseCostPerSecond, BigDecimal unitCost,
        JsonNode costFactors, String runType, String category, String contentType, String displayName,
        boolean isActive, int version, Instant validFrom) {

    public static final String PER_SECOND = "per_second";
    public static final String PER_UNIT = "per_unit";
    public static final String ORCHESTRATION = "orchestration";

    public boolean perSecond() {
        return PER_SECOND.equals(billingType);
    }

    public boolean orchestrator() {
        return ORCHESTRATION.equals(category);
    }
}
