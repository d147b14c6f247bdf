package ai.reigh.tasks.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.net.FetchableUrls;

/**
 * The checks of task inputs that Bean Validation cannot express: document sizes, and the params the
 * platform itself reads (the generation pipeline reads {@code shot_id}, {@code add_in_position},
 * {@code skip_generation}, and for a variant of a source generation {@code based_on},
 * {@code create_as_generation}, {@code is_primary} and {@code variant_type}; the claim reads
 * {@code model_name}), which must have the right type now
 * rather than break a delivery later; and URLs in params, which workers fetch, must not point into a
 * private network.
 */
final class TaskInput {
    static final int MAX_DEPENDENCIES = 50;
    /** The label of a variant (projects-service's generation_variants.variant_type). */
    private static final java.util.regex.Pattern VARIANT_TYPE = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");

    private TaskInput() {
    }

    static void validateParams(JsonNode params, int maxBytes) {
        if (params == null || !params.isObject()) {
            throw ProblemException.validation("params", "must be a JSON object");
        }
        if (size(params) > maxBytes) {
            throw ProblemException.payloadTooLarge("params is larger than " + maxBytes + " bytes.");
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode shotId = params.get("shot_id");
        if (shotId != null && !shotId.isNull() && !(shotId.isTextual() && isUuid(shotId.asText()))) {
            errors.add(new FieldError("params.shot_id", "must be a shot id (UUID) or null"));
        }
        requireBooleanOrNull(params, "add_in_position", errors);
        requireBooleanOrNull(params, "skip_generation", errors);
        JsonNode basedOn = params.get("based_on");
        if (basedOn != null && !basedOn.isNull() && !(basedOn.isTextual() && isUuid(basedOn.asText()))) {
            errors.add(new FieldError("params.based_on", "must be a generation id (UUID) or null"));
        }
        requireBooleanOrNull(params, "create_as_generation", errors);
        requireBooleanOrNull(params, "is_primary", errors);
        JsonNode variantType = params.get("variant_type");
        if (variantType != null && !variantType.isNull()
                && !(variantType.isTextual() && VARIANT_TYPE.matcher(variantType.asText()).matches())) {
            errors.add(new FieldError("params.variant_type", "must be 1-50 of a-z, 0-9, _ and -, or null"));
        }
        JsonNode model = params.get("model_name");
        if (model != null && !model.isNull() && !(model.isTextual() && model.asText().length() <= 200)) {
            errors.add(new FieldError("params.model_name", "must be a string of at most 200 characters"));
        }
        // Workers fetch the URLs they find in params (input images, LoRA files): none may point into a
        // private network (see FetchableUrls; docs/reliability.md "URLs").
        errors.addAll(FetchableUrls.refusedIn("params", params));
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
    }

    static void validateResult(JsonNode resultData, int maxBytes) {
        if (resultData == null || resultData.isNull()) {
            return;
        }
        if (!resultData.isObject()) {
            throw ProblemException.validation("result_data", "must be a JSON object");
        }
        if (size(resultData) > maxBytes) {
            throw ProblemException.payloadTooLarge("result_data is larger than " + maxBytes + " bytes.");
        }
    }

    /**
     * Output and thumbnail locations become a generation's URLs: an http(s) URL with a host, no
     * whitespace or control characters (what projects-service accepts), checked here so that a bad
     * one is the worker's 400 now rather than an undeliverable generation later.
     */
    static void requireMediaUrl(String field, String url) {
        if (url == null) {
            return;
        }
        boolean printable = url.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
        java.net.URI uri = null;
        if (printable) {
            try {
                uri = new java.net.URI(url);
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (uri == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getHost().isEmpty()) {
            throw ProblemException.validation(field, "must be an http or https URL");
        }
    }

    /** Dependencies without repeats, in the order given. */
    static List<UUID> distinct(List<UUID> ids) {
        if (ids == null || ids.isEmpty()) {
            return List.of();
        }
        List<UUID> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
        if (distinct.size() > MAX_DEPENDENCIES) {
            throw ProblemException.validation("dependant_on", "at most " + MAX_DEPENDENCIES + " tasks");
        }
        return distinct;
    }

    private static void requireBooleanOrNull(JsonNode params, String name, List<FieldError> errors) {
        JsonNode value = params.get(name);
        if (value != null && !value.isNull() && !value.isBoolean()) {
            errors.add(new FieldError("params." + name, "must be true, false or null"));
        }
    }

    private static int size(JsonNode document) {
        return document.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isUuid(String value) {
        if (value.length() != 36) {
            return false;
        }
        try {
            UUID.fromString(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
