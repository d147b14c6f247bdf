package ai.reigh.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.compare.OpenApiDiffOptions;
import org.openapitools.openapidiff.core.model.BackwardIncompatibleProp;
import org.openapitools.openapidiff.core.model.ChangedApiResponse;
import org.openapitools.openapidiff.core.model.ChangedMediaType;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.model.ChangedOperation;
import org.openapitools.openapidiff.core.model.ChangedResponse;
import org.openapitools.openapidiff.core.model.ChangedSchema;
import org.openapitools.openapidiff.core.output.MarkdownRender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Whether the public API changed incompatibly between two documents: OpenAPITools' openapi-diff with its
 * backward-compatibility rules (an operation removed; a request field, parameter or body newly required;
 * a request enum narrowed; a type changed; a request limit tightened; a response code or media type
 * removed; a security requirement added), adjusted where this project decided otherwise:
 *
 * <ul>
 * <li><b>A removed (or renamed) response field breaks</b>, required or not. openapi-diff lets an optional
 * field go; the services always write every field of a response record, so clients may rely on each.</li>
 * <li><b>A new value of a response enum is an addition</b>: clients must accept values they do not know
 * (docs/api.md), as they accept new fields.</li>
 * </ul>
 *
 * openapi-diff 2.1 reads schema types of OpenAPI 3.1 documents (as smallrye writes them) in a field it
 * does not compare, so a changed type would go unnoticed: both documents are compared in their OpenAPI
 * 3.0 spelling ({@link #asOpenApi30}), which says the same about the constructs our documents use.
 */
final class ApiCompatibility {

    /** What changed, whether it breaks existing clients, and why. */
    record Verdict(boolean breaking, boolean unchanged, List<String> removedResponseFields, String report) {
    }

    private ApiCompatibility() {
    }

    static Verdict compare(JsonNode before, JsonNode after) {
        OpenApiDiffOptions options = OpenApiDiffOptions.builder()
                .configProperty(BackwardIncompatibleProp.RESPONSE_ENUM_INCREASED.getPropertyName(), "false")
                .build();
        ChangedOpenApi diff = OpenApiCompare.fromContents(asOpenApi30(before).toString(), asOpenApi30(after).toString(),
                null, options);
        List<String> removed = removedResponseFields(diff);
        String report = render(diff);
        if (!removed.isEmpty()) {
            report += "\n#### Response fields removed (breaking here, whatever openapi-diff's result above says)\n\n- "
                    + String.join("\n- ", removed) + "\n";
        }
        return new Verdict(diff.isIncompatible() || !removed.isEmpty(), diff.isUnchanged(), removed, report);
    }

    /** The fields that 2xx responses had and no longer have, as {@code METHOD path status: field.path}. */
    private static List<String> removedResponseFields(ChangedOpenApi diff) {
        List<String> removed = new ArrayList<>();
        for (ChangedOperation operation : diff.getChangedOperations()) {
            ChangedApiResponse responses = operation.getApiResponses();
            if (responses == null) {
                continue;
            }
            for (Map.Entry<String, ChangedResponse> response : responses.getChanged().entrySet()) {
                if (!response.getKey().startsWith("2") || response.getValue().getContent() == null) {
                    continue;
                }
                for (ChangedMediaType media : response.getValue().getContent().getChanged().values()) {
                    String where = operation.getHttpMethod() + " " + operation.getPathUrl() + " " + response.getKey() + ": ";
                    collectRemoved(media.getSchema(), where, removed);
                }
            }
        }
        return removed;
    }

    private static void collectRemoved(ChangedSchema root, String where, List<String> removed) {
        record At(ChangedSchema schema, String path) {
        }
        Set<ChangedSchema> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<At> pending = new ArrayDeque<>();
        pending.push(new At(root, ""));
        while (!pending.isEmpty()) {
            At at = pending.pop();
            if (at.schema() == null || !seen.add(at.schema())) {
                continue;
            }
            at.schema().getMissingProperties().keySet()
                    .forEach(name -> removed.add(where + at.path() + name));
            at.schema().getChangedProperties()
                    .forEach((name, child) -> pending.push(new At(child, at.path() + name + ".")));
            pending.push(new At(at.schema().getItems(), at.path() + "[]."));
            pending.push(new At(at.schema().getAddProp(), at.path() + "*."));
        }
    }

    /**
     * The document in OpenAPI 3.0 spelling: {@code type: [t, "null"]} becomes {@code type: t} with
     * {@code nullable}, {@code const} a one-value enum, numeric {@code exclusiveMinimum/Maximum} the 3.0
     * boolean form, and a schema's {@code examples} list (3.0 has a single {@code example}) its first.
     */
    static JsonNode asOpenApi30(JsonNode document) {
        ObjectNode copy = document.deepCopy();
        copy.put("openapi", "3.0.3");
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(copy));
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node instanceof ObjectNode object) {
                if (object.get("type") instanceof ArrayNode types) {
                    List<String> named = new ArrayList<>();
                    types.forEach(type -> named.add(type.asText()));
                    if (named.remove("null")) {
                        object.put("nullable", true);
                    }
                    if (named.size() == 1) {
                        object.put("type", named.get(0));
                    } else {
                        object.remove("type");
                    }
                }
                if (object.has("const")) {
                    object.putArray("enum").add(object.remove("const"));
                }
                for (String bound : List.of("Minimum", "Maximum")) {
                    JsonNode exclusive = object.get("exclusive" + bound);
                    if (exclusive != null && exclusive.isNumber()) {
                        object.set(bound.toLowerCase(), exclusive);
                        object.put("exclusive" + bound, true);
                    }
                }
                if (object.get("examples") instanceof ArrayNode examples) {
                    object.remove("examples");
                    if (!examples.isEmpty()) {
                        object.set("example", examples.get(0));
                    }
                }
            }
            node.elements().forEachRemaining(pending::push);
        }
        return copy;
    }

    private static String render(ChangedOpenApi diff) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStreamWriter writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            new MarkdownRender().render(diff, writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
