package ai.reigh.credits.service;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.TaskCostConfigRow;

/**
 * The price of a task (API.md, "Cost"), exact decimal arithmetic from the config to the rounded
 * credits:
 *
 * <pre>
 * base  = base_cost_per_second × seconds          (per_second; seconds = max(1, ceil(processed − started)))
 *       = unit_cost                               (per_unit)
 * cost  = (base × resolution[params.resolution]
 *          + frameCount × params.frame_count × (seconds, or 1 for per_unit))
 *         × modelType[params.model_type]
 * </pre>
 *
 * rounded half-up to 3 places. A factor missing from the config, or whose parameter is missing or
 * unusable, is 1 (multipliers) or 0 (frameCount): pricing never refuses a task that already ran. The
 * frame-count term grows with the seconds of a per_second task, as the production system priced it.
 *
 * <p>Every decimal here is small, so the arithmetic is cheap: the rates are {@code numeric(12,6)}
 * columns; {@code cost_factors} were checked at the upsert (0..1,000,000, 6 decimals); {@code params}
 * come from a JSON document whose numbers have at most 100 characters in plain form (StorableJson, at
 * task creation and again where the estimate or the charge request is read); seconds are longs, from
 * timestamps or from an estimate's {@code duration_seconds}, a decimal bounded the same way where it is
 * read (StorableJson's decimal deserializer) and by its range (0..2592000).
 *
 * <p>An orchestrator (category {@code orchestration}) bills none of its own seconds: it waits on its
 * sub-tasks, and each of those is charged on its own. A per_second orchestrator therefore costs 0; a
 * per_unit one costs its unit cost (with its factors).
 */
public final class TaskPricing {
    public static final int CREDIT_SCALE = 3;
    /** The ledger's bound on one entry; a price beyond it is charged at the bound (and says so). */
    public static final BigDecimal MAX_CHARGE = new BigDecimal("10000000");
    /** A frame count beyond this is not a real video: the parameter is ignored rather than priced. */
    public static final BigDecimal MAX_FRAME_COUNT = new BigDecimal("1000000");

    static final String RESOLUTION = "resolution";
    static final String FRAME_COUNT = "frameCount";
    static final String MODEL_TYPE = "modelType";

    private TaskPricing() {
    }

    /** Billed seconds of one run: {@code max(1, ceil(processed − started))}; a clock running backwards bills 1 s. */
    public static long billedSeconds(Instant startedAt, Instant processedAt) {
        Duration run = Duration.between(startedAt, processedAt);
        if (run.isNegative() || run.isZero()) {
            return 1;
        }
        return Math.max(1, run.getSeconds() + (run.getNano() > 0 ? 1 : 0));
    }

    /** Billed seconds of an estimate's duration: the same {@code max(1, ceil(d))}. */
    public static long billedSeconds(BigDecimal durationSeconds) {
        return Math.max(1, durationSeconds.setScale(0, RoundingMode.CEILING).longValueExact());
    }

    /**
     * @param runSeconds the billed seconds of the run (per_second configs; ignored for per_unit, and for
     *                   orchestrators, whose own time is not billed)
     */
    public static Price price(TaskCostConfigRow config, JsonNode params, long runSeconds) {
        long seconds = config.orchestrator() ? 0 : runSeconds;
        JsonNode factors = config.costFactors() == null ? CreditsJson.object() : config.costFactors();
        JsonNode taskParams = params == null || !params.isObject() ? CreditsJson.object() : params;
        ObjectNode breakdown = CreditsJson.object();
        breakdown.put("task_type", config.taskType());
        breakdown.put("config_version", config.version());
        breakdown.put("billing_type", config.billingType());

        BigDecimal base;
        BigDecimal frameMultiplier;
        if (config.perSecond()) {
            BigDecimal rate = CreditsJson.normalized(config.baseCostPerSecond());
            breakdown.put("base_cost_per_second", rate);
            breakdown.put("seconds", seconds);
            base = rate.multiply(BigDecimal.valueOf(seconds));
            frameMultiplier = BigDecimal.valueOf(seconds);
        } else {
            base = CreditsJson.normalized(config.unitCost());
            breakdown.put("unit_cost", base);
            frameMultiplier = BigDecimal.ONE;
        }
        breakdown.put("base", base);

        String resolution = textParam(taskParams, "resolution");
        BigDecimal resolutionFactor = mapFactor(factors, RESOLUTION, resolution);
        breakdown.put("resolution", resolution);
        breakdown.put("resolution_factor", resolutionFactor);

        BigDecimal frames = frameCount(taskParams);
        BigDecimal frameFactor = numberFactor(factors, FRAME_COUNT, BigDecimal.ZERO);
        BigDecimal frameCost = frames == null ? BigDecimal.ZERO : frameFactor.multiply(frames).multiply(frameMultiplier);
        breakdown.put("frame_count", frames);
        breakdown.put("frame_count_factor", frameFactor);
        breakdown.put("frame_count_cost", frameCost);

        String modelType = textParam(taskParams, "model_type");
        BigDecimal modelFactor = mapFactor(factors, MODEL_TYPE, modelType);
        breakdown.put("model_type", modelType);
        breakdown.put("model_type_factor", modelFactor);

        BigDecimal exact = base.multiply(resolutionFactor).add(frameCost).multiply(modelFactor);
        BigDecimal cost = exact.setScale(CREDIT_SCALE, RoundingMode.HALF_UP);
        if (cost.compareTo(MAX_CHARGE) > 0) {
            breakdown.put("uncapped_cost", cost);
            breakdown.put("capped", true);
            cost = MAX_CHARGE.setScale(CREDIT_SCALE);
        }
        breakdown.put("cost", cost);
        return new Price(cost, breakdown);
    }

    /** A string parameter that selects a factor; anything else (number, object, blank) selects none. */
    private static String textParam(JsonNode params, String name) {
        JsonNode value = params.get(name);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    /** {@code params.frame_count} when it is a number in 0..MAX_FRAME_COUNT, else null (not priced). */
    private static BigDecimal frameCount(JsonNode params) {
        JsonNode value = params.get("frame_count");
        if (value == null || !value.isNumber()) {
            return null;
        }
        BigDecimal frames = value.decimalValue();
        return frames.signum() < 0 || frames.compareTo(MAX_FRAME_COUNT) > 0 ? null : frames;
    }

    private static BigDecimal mapFactor(JsonNode factors, String name, String key) {
        JsonNode map = factors.get(name);
        if (key == null || map == null || !map.isObject()) {
            return BigDecimal.ONE;
        }
        JsonNode factor = map.get(key);
        return factor != null && factor.isNumber() && factor.decimalValue().signum() >= 0 ? factor.decimalValue()
                : BigDecimal.ONE;
    }

    private static BigDecimal numberFactor(JsonNode factors, String name, BigDecimal absent) {
        JsonNode factor = factors.get(name);
        return factor != null && factor.isNumber() && factor.decimalValue().signum() >= 0 ? factor.decimalValue()
                : absent;
    }
}
