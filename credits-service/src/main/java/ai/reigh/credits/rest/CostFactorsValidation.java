package ai.reigh.credits.rest;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.error.FieldError;

/**
 * {@code cost_factors} as pricing reads it: {@code resolution} and {@code modelType} map parameter
 * values to multipliers, {@code frameCount} is the price of one frame. Every factor is a number in
 * 0..1,000,000 with at most 6 decimals; a map has at most 100 entries with keys of 1..100 characters.
 * Any other key is refused: pricing would silently ignore it.
 */
final class CostFactorsValidation {
    static final Set<String> MAPS = Set.of("resolution", "modelType");
    static final String FRAME_COUNT = "frameCount";
    static final BigDecimal MAX_FACTOR = new BigDecimal("1000000");
    static final int MAX_DECIMALS = 6;
    static final int MAX_ENTRIES = 100;
    static final int MAX_KEY_LENGTH = 100;
    private static final String FIELD = "cost_factors";

    private CostFactorsValidation() {
    }

    static List<FieldError> check(JsonNode factors) {
        List<FieldError> errors = new ArrayList<>();
        if (factors == null || factors.isNull()) {
            return errors;
        }
        if (!factors.isObject()) {
            errors.add(new FieldError(FIELD, "must be a JSON object"));
            return errors;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = factors.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> factor = it.next();
            String name = factor.getKey();
            String field = FIELD + "." + shortened(name);
            if (FRAME_COUNT.equals(name)) {
                checkNumber(field, factor.getValue(), errors);
            } else if (MAPS.contains(name)) {
                checkMap(field, factor.getValue(), errors);
            } else {
                errors.add(new FieldError(field, "is not a cost factor (resolution, frameCount, modelType)"));
            }
        }
        return errors;
    }

    private static void checkMap(String field, JsonNode map, List<FieldError> errors) {
        if (!map.isObject()) {
            errors.add(new FieldError(field, "must be an object of numbers"));
            return;
        }
        if (map.size() > MAX_ENTRIES) {
            errors.add(new FieldError(field, "must have at most " + MAX_ENTRIES + " entries"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().isEmpty() || entry.getKey().length() > MAX_KEY_LENGTH) {
                errors.add(new FieldError(field, "keys must have 1.." + MAX_KEY_LENGTH + " characters"));
            } else {
                checkNumber(field + "." + entry.getKey(), entry.getValue(), errors);
            }
        }
    }

    private static void checkNumber(String field, JsonNode value, List<FieldError> errors) {
        if (!value.isNumber()) {
            errors.add(new FieldError(field, "must be a number"));
            return;
        }
        BigDecimal number = value.decimalValue();
        if (number.signum() < 0 || number.compareTo(MAX_FACTOR) > 0
                || number.stripTrailingZeros().scale() > MAX_DECIMALS) {
            errors.add(new FieldError(field, "must be between 0 and " + MAX_FACTOR.toPlainString() + " with at most "
                    + MAX_DECIMALS + " decimals"));
        }
    }

    private static String shortened(String name) {
        return name.length() <= MAX_KEY_LENGTH ? name : name.substring(0, MAX_KEY_LENGTH) + "…";
    }
}
