package ai.reigh.k8s.schema;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a document against an OpenAPI v3 schema the way the API server does on a strict apply: the
 * Kubernetes OpenAPI of the built-in kinds and the {@code openAPIV3Schema} of a CRD version.
 *
 * <p>What it checks: types (with the {@code int-or-string} and quantity unions), unknown fields
 * (an object schema declares its fields in {@code properties} or {@code additionalProperties}; others are
 * refused unless it has {@code x-kubernetes-preserve-unknown-fields}), {@code required}, {@code enum}, bounds and lengths,
 * {@code pattern}, {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not}, {@code nullable}, and the keys of
 * {@code x-kubernetes-list-type: map|set} lists being unique. What it cannot: CEL rules
 * ({@code x-kubernetes-validations}) and admission webhooks need a running API server.
 */
public final class SchemaValidator {
    private final Function<String, JsonNode> references;

    /** @param references resolves a {@code $ref} ({@code #/components/schemas/<name>}) to its schema. */
    public SchemaValidator(Function<String, JsonNode> references) {
        this.references = references;
    }

    /** Every violation of {@code schema} by {@code value}, each naming its JSON path; empty when it fits. */
    public List<String> violations(JsonNode value, JsonNode schema) {
        List<String> violations = new ArrayList<>();
        check("", value, schema, violations);
        return violations;
    }

    private void check(String path, JsonNode value, JsonNode schema, List<String> violations) {
        schema = resolve(schema);
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                violations.add(where(path) + "null is not allowed");
            }
            return;
        }
        for (JsonNode part : schema.path("allOf")) {
            check(path, value, part, violations);
        }
        checkAlternatives(path, value, schema, violations);
        if (schema.has("not") && violations(value, schema.get("not")).isEmpty()) {
            violations.add(where(path) + "matches a schema it must not");
        }
        if (!checkType(path, value, schema, violations)) {
            return;
        }
        checkEnum(path, value, schema, violations);
        if (value.isObject()) {
            checkObject(path, value, schema, violations);
        } else if (value.isArray()) {
            checkArray(path, value, schema, violations);
        } else if (value.isTextual()) {
            checkString(path, value.textValue(), schema, violations);
        } else if (value.isNumber()) {
            checkNumber(path, value.decimalValue(), schema, violations);
        }
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode resolved = schema;
        while (resolved.has("$ref")) {
            String reference = resolved.get("$ref").asText();
            JsonNode target = references.apply(reference);
            if (target == null) {
                throw new IllegalStateException("unresolvable $ref " + reference);
            }
            resolved = target;
        }
        return resolved;
    }

    private void checkAlternatives(String path, JsonNode value, JsonNode schema, List<String> violations) {
        if (schema.has("oneOf")) {
            int matching = 0;
            for (JsonNode option : schema.get("oneOf")) {
                matching += violations(value, option).isEmpty() ? 1 : 0;
            }
            if (matching != 1) {
                violations.add(where(path) + "must match exactly one of " + schema.get("oneOf").size()
                        + " alternatives, matches " + matching);
            }
        }
        if (schema.has("anyOf")) {
            boolean any = false;
            for (JsonNode option : schema.get("anyOf")) {
                any |= violations(value, option).isEmpty();
            }
            if (!any) {
                violations.add(where(path) + "matches none of " + schema.get("anyOf").size() + " alternatives");
            }
        }
    }

    /** False when the value's type is wrong (nothing below it is worth reporting). */
    private boolean checkType(String path, JsonNode value, JsonNode schema, List<String> violations) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)
                || "int-or-string".equals(schema.path("format").asText())) {
            if (value.isIntegralNumber() || value.isTextual()) {
                return true;
            }
            violations.add(where(path) + "must be an integer or a string, is " + describe(value));
            return false;
        }
        String type = schema.path("type").asText("");
        boolean fits = switch (type) {
            case "" -> true;
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            default -> throw new IllegalStateException("schema type " + type + " at " + path);
        };
        if (!fits) {
            violations.add(where(path) + "must be " + article(type) + ", is " + describe(value));
        }
        return fits;
    }

    private void checkEnum(String path, JsonNode value, JsonNode schema, List<String> violations) {
        if (!schema.has("enum")) {
            return;
        }
        for (JsonNode allowed : schema.get("enum")) {
            if (allowed.equals(value)) {
                return;
            }
        }
        violations.add(where(path) + value + " is not one of " + schema.get("enum"));
    }

    private void checkObject(String path, JsonNode value, JsonNode schema, List<String> violations) {
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                violations.add(where(path) + "required field " + required.asText() + " is missing");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        bounded(path, value.size(), schema, "minProperties", "maxProperties", "fields", violations);
        boolean declaresFields = properties.isObject() || additional != null
                || "object".equals(schema.path("type").asText());
        if (!declaresFields) {
            return; // a branch of allOf/anyOf/oneOf saying only which fields are required
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String fieldPath = path + "/" + field.getKey();
            if (properties.has(field.getKey())) {
                check(fieldPath, field.getValue(), properties.get(field.getKey()), violations);
            } else if (additional != null && additional.isObject()) {
                check(fieldPath, field.getValue(), additional, violations);
            } else if (additional != null && additional.asBoolean(false) || preserveUnknown) {
                continue;
            } else {
                // A structural schema prunes what it does not declare; a strict apply refuses it.
                violations.add(where(fieldPath) + "unknown field");
            }
        }
    }

    private void checkArray(String path, JsonNode value, JsonNode schema, List<String> violations) {
        bounded(path, value.size(), schema, "minItems", "maxItems", "items", violations);
        if (schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(path + "/" + i, value.get(i), schema.get("items"), violations);
            }
        }
        String listType = schema.path("x-kubernetes-list-type").asText("");
        boolean unique = schema.path("uniqueItems").asBoolean(false) || listType.equals("set");
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < value.size(); i++) {
            Object key = listType.equals("map") ? mapKey(value.get(i), schema.path("x-kubernetes-list-map-keys"))
                    : value.get(i);
            if ((unique || listType.equals("map")) && !seen.add(key)) {
                violations.add(where(path + "/" + i) + "duplicate " + (listType.equals("map") ? "key " : "item ") + key);
            }
        }
    }

    private static List<JsonNode> mapKey(JsonNode item, JsonNode keyNames) {
        List<JsonNode> key = new ArrayList<>();
        for (JsonNode name : keyNames) {
            key.add(item.path(name.asText()));
        }
        return key;
    }

    private void checkString(String path, String text, JsonNode schema, List<String> violations) {
        bounded(path, text.codePointCount(0, text.length()), schema, "minLength", "maxLength", "characters", violations);
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
            violations.add(where(path) + "\"" + text + "\" does not match " + schema.get("pattern").asText());
        }
    }

    private void checkNumber(String path, BigDecimal number, JsonNode schema, List<String> violations) {
        if (schema.has("minimum")) {
            BigDecimal minimum = schema.get("minimum").decimalValue();
            int order = number.compareTo(minimum);
            if (order < 0 || order == 0 && schema.path("exclusiveMinimum").asBoolean(false)) {
                violations.add(where(path) + number + " is below the minimum " + minimum);
            }
        }
        if (schema.has("maximum")) {
            BigDecimal maximum = schema.get("maximum").decimalValue();
            int order = number.compareTo(maximum);
            if (order > 0 || order == 0 && schema.path("exclusiveMaximum").asBoolean(false)) {
                violations.add(where(path) + number + " is above the maximum " + maximum);
            }
        }
        if ("int32".equals(schema.path("format").asText())
                && (number.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
                        || number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0)) {
            violations.add(where(path) + number + " does not fit int32");
        }
    }

    private static void bounded(String path, int size, JsonNode schema, String minimumName, String maximumName,
            String unit, List<String> violations) {
        if (schema.has(minimumName) && size < schema.get(minimumName).asInt()) {
            violations.add(where(path) + size + " " + unit + ", at least " + schema.get(minimumName).asInt() + " required");
        }
        if (schema.has(maximumName) && size > schema.get(maximumName).asInt()) {
            violations.add(where(path) + size + " " + unit + ", at most " + schema.get(maximumName).asInt() + " allowed");
        }
    }

    private static String where(String path) {
        return (path.isEmpty() ? "/" : path) + ": ";
    }

    private static String describe(JsonNode value) {
        return value.getNodeType().name().toLowerCase() + " " + value;
    }

    private static String article(String type) {
        return (type.startsWith("a") || type.startsWith("o") || type.startsWith("i") ? "an " : "a ") + type;
    }
}
