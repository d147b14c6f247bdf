package ai.reigh.credits.rest;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code PUT /v1/admin/task-costs/{task_type}}: the whole config (a PUT replaces). Absent fields take
 * their defaults: rates 0, {@code cost_factors} {}, {@code run_type} gpu, {@code category} generation,
 * {@code content_type} and {@code display_name} none, {@code is_active} true; the display fields
 * {@code tool_type} none, {@code is_visible} true, {@code supports_progress} false. The rate of the billing
 * type is required ({@code base_cost_per_second} for per_second, {@code unit_cost} for per_unit).
 * Rates are {@code numeric(12,6)}: 0..999999.999999 with at most 6 decimals.
 */
public record TaskCostConfigUpsert(
        @NotNull @Pattern(regexp = "per_second|per_unit", message = "must be per_second or per_unit") String billingType,
        @DecimalMin("0") @DecimalMax("999999.999999") @Digits(integer = 6, fraction = 6) BigDecimal baseCostPerSecond,
        @DecimalMin("0") @DecimalMax("999999.999999") @Digits(integer = 6, fraction = 6) BigDecimal unitCost,
        JsonNode costFactors,
        @Pattern(regexp = "gpu|api", message = "must be gpu or api") String runType,
        @Pattern(regexp = "generation|processing|orchestration|training|utility",
                message = "must be generation, processing, orchestration, training or utility") String category,
        @Pattern(regexp = "image|video", message = "must be image or video") String contentType,
        @Size(max = 200) String displayName,
        Boolean isActive,
        @Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,99}", message = "must be 1-100 of a-z, 0-9, _, . and -") String toolType,
        Boolean isVisible,
        Boolean supportsProgress) {
}
