package ai.reigh.k8s.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The real schemas of every kind k8s/ renders, pinned in {@code k8s-tests/schemas/} (where they come
 * from: its README): the Kubernetes 1.32 OpenAPI for built-in kinds, and the CRDs of the operators the
 * deploy requires at the oldest versions it supports. Keyed by "apiVersion/kind".
 *
 * <p>A custom resource's {@code metadata} is checked against the built-in ObjectMeta, as the API server
 * does (a CRD's schema says only {@code type: object} there).
 */
public final class ApiSchemas {
    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static final String REFERENCE_PREFIX = "#/components/schemas/";

    private final Map<String, JsonNode> kinds;
    private final SchemaValidator validator;

    private ApiSchemas(Map<String, JsonNode> definitions, Map<String, JsonNode> kinds) {
        this.kinds = kinds;
        this.validator = new SchemaValidator(reference -> reference.startsWith(REFERENCE_PREFIX)
                ? definitions.get(reference.substring(REFERENCE_PREFIX.length())) : null);
    }

    /** Reads every schema under {@code directory}: {@code kubernetes-*}/*.json and {@code crds}/*.yaml. */
    public static ApiSchemas load(Path directory) {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> definitions = new HashMap<>();
        Map<String, JsonNode> kinds = new HashMap<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".json")) {
                    readBuiltIns(json.readTree(file.toFile()), definitions, kinds);
                } else if (name.endsWith(".yaml") && file.getParent().getFileName().toString().equals("crds")) {
                    readCustomResourceDefinition(new YAMLMapper().readTree(file.toFile()), kinds);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!definitions.containsKey(OBJECT_META)) {
            throw new IllegalStateException(directory + " has no " + OBJECT_META + " (the Kubernetes OpenAPI is missing)");
        }
        return new ApiSchemas(definitions, kinds);
    }

    private static void readBuiltIns(JsonNode document, Map<String, JsonNode> definitions, Map<String, JsonNode> kinds) {
        document.path("components").path("schemas").fields().forEachRemaining(entry -> {
            definitions.put(entry.getKey(), entry.getValue());
            for (JsonNode kind : entry.getValue().path("x-kubernetes-group-version-kind")) {
                String group = kind.path("group").asText();
                String apiVersion = group.isEmpty() ? kind.path("version").asText() : group + "/" + kind.path("version").asText();
                kinds.put(apiVersion + "/" + kind.path("kind").asText(), entry.getValue());
            }
        });
    }

    private static void readCustomResourceDefinition(JsonNode crd, Map<String, JsonNode> kinds) {
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (!version.path("served").asBoolean(false)) {
                continue;
            }
            ObjectNode schema = version.path("schema").path("openAPIV3Schema").deepCopy();
            ObjectNode properties = schema.has("properties") ? (ObjectNode) schema.get("properties") : schema.putObject("properties");
            properties.putObject("metadata").put("$ref", REFERENCE_PREFIX + OBJECT_META);
            kinds.put(group + "/" + version.path("name").asText() + "/" + kind, schema);
        }
    }

    /** The schema of "apiVersion/kind", if one is pinned. */
    public Optional<JsonNode> schemaOf(String apiVersionAndKind) {
        return Optional.ofNullable(kinds.get(apiVersionAndKind));
    }

    /** What the API server would refuse in {@code document}; a kind without a pinned schema is itself a violation. */
    public List<String> violations(JsonNode document) {
        String key = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        JsonNode schema = kinds.get(key);
        if (schema == null) {
            return List.of("no schema is pinned for " + key);
        }
        return validator.violations(document, schema);
    }
}
