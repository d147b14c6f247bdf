package ai.reigh.k8s;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Strict reading of rendered manifests into typed models.
 *
 * <p>fabric8's model classes accept anything: every one of them has a {@code @JsonAnySetter} that
 * files unknown fields under {@code additionalProperties}. Here that setter is removed, so a field
 * the Kubernetes API does not have at that place (a typo, or {@code resources} under the pod spec
 * instead of the container) is an error naming its path. Scalars are not coerced either (the API
 * server refuses {@code containerPort: "8080"} and an annotation value {@code 3600} unquoted), and a
 * key given twice in one mapping is an error.
 */
final class StrictYaml {
    private static final ObjectMapper TYPED = typedMapper();
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();

    private StrictYaml() {
    }

    private static ObjectMapper typedMapper() {
        SimpleModule noAnySetters = new SimpleModule("no-additional-properties");
        noAnySetters.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                    BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .addModule(noAnySetters)
                .build();
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    /** The documents of a YAML stream ({@code ---} separated), empty documents dropped. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (iterator.hasNextValue()) {
                JsonNode document = iterator.nextValue();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid YAML stream: " + e.getMessage(), e);
        }
        return documents;
    }

    /** The document as {@code type}, refusing unknown or misplaced fields and mistyped scalars. */
    static <T> T typed(JsonNode document, Class<T> type) {
        try {
            return TYPED.treeToValue(document, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(describe(document) + " does not fit " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The typed value written back as a tree: equal to the input when nothing was dropped or altered. */
    static JsonNode tree(Object typed) {
        return TYPED.valueToTree(typed);
    }

    /**
     * Where two trees differ (a JSON pointer and both values), or empty when they are equal; numbers are
     * compared by value (the model may hold an int where the parser produced a long).
     */
    static java.util.Optional<String> firstDifference(JsonNode expected, JsonNode actual) {
        return firstDifference("", expected, actual);
    }

    private static java.util.Optional<String> firstDifference(String path, JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0 ? java.util.Optional.empty()
                    : java.util.Optional.of(path + ": " + expected + " became " + actual);
        }
        if (expected.getNodeType() != actual.getNodeType()) {
            return java.util.Optional.of(path + ": " + expected + " became " + actual);
        }
        if (expected.isObject()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode left = expected.get(name);
                JsonNode right = actual.get(name);
                if (left == null || right == null) {
                    return java.util.Optional.of(path + "/" + name + ": " + left + " became " + right);
                }
                var difference = firstDifference(path + "/" + name, left, right);
                if (difference.isPresent()) {
                    return difference;
                }
            }
            return java.util.Optional.empty();
        }
        if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                return java.util.Optional.of(path + ": " + expected.size() + " items became " + actual.size());
            }
            for (int i = 0; i < expected.size(); i++) {
                var difference = firstDifference(path + "/" + i, expected.get(i), actual.get(i));
                if (difference.isPresent()) {
                    return difference;
                }
            }
            return java.util.Optional.empty();
        }
        return expected.equals(actual) ? java.util.Optional.empty()
                : java.util.Optional.of(path + ": " + expected + " became " + actual);
    }

    static String describe(JsonNode document) {
        return document.path("kind").asText("?") + " " + document.path("metadata").path("name").asText("?");
    }
}
