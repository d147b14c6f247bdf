package ai.reigh.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The compatibility check catches each kind of breaking change and lets additions through: each case
 * edits a copy of today's merged document (the shape the check really sees) and compares it with the
 * original, as ApiCompatibilityTest compares the build's document with the snapshot.
 */
class CompatibilityRulesTest {
    private static final String PROJECTS = "/v1/projects";
    private static final String PROJECT = "/v1/projects/{id}";

    private static ApiCompatibility.Verdict change(Consumer<ObjectNode> edit) {
        return change(doc -> { }, edit);
    }

    /** Compares {@code before(merged)} with {@code after(before(merged))}. */
    private static ApiCompatibility.Verdict change(Consumer<ObjectNode> before, Consumer<ObjectNode> edit) {
        ObjectNode original = ApiDocuments.merged();
        before.accept(original);
        ObjectNode changed = original.deepCopy();
        edit.accept(changed);
        return ApiCompatibility.compare(original, changed);
    }

    private static ObjectNode operation(ObjectNode doc, String path, String method) {
        return (ObjectNode) doc.path("paths").path(path).path(method);
    }

    /** The component schema a $ref-ed body or response points to. */
    private static ObjectNode schemaOf(ObjectNode doc, JsonNode schemaHolder) {
        String ref = schemaHolder.path("schema").path("$ref").asText();
        assertThat(ref).as("a $ref in %s", schemaHolder).startsWith("#/components/schemas/");
        return (ObjectNode) doc.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    private static ObjectNode requestSchema(ObjectNode doc, String path, String method) {
        return schemaOf(doc, operation(doc, path, method).path("requestBody").path("content").path("application/json"));
    }

    private static ObjectNode responseSchema(ObjectNode doc, String path, String method) {
        JsonNode responses = operation(doc, path, method).path("responses");
        JsonNode ok = responses.has("201") ? responses.path("201") : responses.path("200");
        return schemaOf(doc, ok.path("content").path("application/json"));
    }

    @Test
    void anUnchangedDocumentPasses() {
        ApiCompatibility.Verdict verdict = change(doc -> { });
        assertThat(verdict.breaking()).isFalse();
        assertThat(verdict.unchanged()).isTrue();
    }

    @Test
    void aRemovedPathBreaks() {
        ApiCompatibility.Verdict verdict = change(doc -> ((ObjectNode) doc.path("paths")).remove(PROJECT));
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void aRemovedOperationBreaks() {
        ApiCompatibility.Verdict verdict = change(doc -> ((ObjectNode) doc.path("paths").path(PROJECT)).remove("delete"));
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void aRemovedResponseFieldBreaks() {
        ApiCompatibility.Verdict verdict = change(
                doc -> ((ObjectNode) responseSchema(doc, PROJECT, "get").path("properties")).remove("aspect_ratio"));
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void aRenamedResponseFieldBreaks() {
        ApiCompatibility.Verdict verdict = change(doc -> {
            ObjectNode properties = (ObjectNode) responseSchema(doc, PROJECT, "get").path("properties");
            properties.set("title", properties.remove("name"));
        });
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void aNewRequiredRequestFieldBreaks() {
        ApiCompatibility.Verdict verdict = change(doc -> {
            ObjectNode body = requestSchema(doc, PROJECTS, "post");
            ((ObjectNode) body.path("properties")).putObject("colour").put("type", "string");
            ((ArrayNode) body.path("required")).add("colour");
        });
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void anOptionalRequestFieldMadeRequiredBreaks() {
        ApiCompatibility.Verdict verdict = change(
                doc -> ((ArrayNode) requestSchema(doc, PROJECTS, "post").path("required")).add("aspect_ratio"));
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void aNewRequiredQueryParameterBreaks() {
        ApiCompatibility.Verdict verdict = change(doc -> ((ArrayNode) operation(doc, PROJECTS, "get").withArray("parameters"))
                .addObject().put("name", "team").put("in", "query").put("required", true)
                .putObject("schema").put("type", "string"));
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void aNarrowedRequestEnumBreaks() {
        Consumer<ObjectNode> withEnum = doc -> requestSchema(doc, PROJECTS, "post").with("properties").with("aspect_ratio")
                .putArray("enum").add("16:9").add("9:16").add("1:1");
        ApiCompatibility.Verdict verdict = change(withEnum, doc -> ((ArrayNode) requestSchema(doc, PROJECTS, "post")
                .path("properties").path("aspect_ratio").path("enum")).remove(2));
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void aChangedResponseFieldTypeBreaks() {
        ApiCompatibility.Verdict verdict = change(doc -> responseSchema(doc, PROJECT, "get").with("properties")
                .with("name").put("type", "integer"));
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void aChangedRequestFieldTypeBreaks() {
        ApiCompatibility.Verdict verdict = change(doc -> requestSchema(doc, PROJECTS, "post").with("properties")
                .with("name").put("type", "number"));
        assertThat(verdict.breaking()).as(verdict.report()).isTrue();
    }

    @Test
    void additionsPass() {
        ApiCompatibility.Verdict verdict = change(doc -> {
            ObjectNode newPath = ((ObjectNode) doc.path("paths")).putObject("/v1/projects/{id}/archive");
            newPath.set("post", operation(doc, PROJECT, "get").deepCopy());
            ((ObjectNode) requestSchema(doc, PROJECTS, "post").path("properties")).putObject("colour").put("type", "string");
            ((ObjectNode) responseSchema(doc, PROJECT, "get").path("properties")).putObject("archived").put("type", "boolean");
            ((ArrayNode) operation(doc, PROJECTS, "get").withArray("parameters")).addObject().put("name", "archived")
                    .put("in", "query").putObject("schema").put("type", "boolean");
        });
        assertThat(verdict.breaking()).as(verdict.report()).isFalse();
        assertThat(verdict.unchanged()).isFalse();
    }

    @Test
    void aNewValueOfAResponseEnumPasses() {
        Consumer<ObjectNode> withEnum = doc -> responseSchema(doc, PROJECT, "get").with("properties").with("aspect_ratio")
                .putArray("enum").add("16:9").add("9:16");
        ApiCompatibility.Verdict verdict = change(withEnum, doc -> ((ArrayNode) responseSchema(doc, PROJECT, "get")
                .path("properties").path("aspect_ratio").path("enum")).add("1:1"));
        assertThat(verdict.breaking()).as(verdict.report()).isFalse();
        assertThat(verdict.unchanged()).isFalse();
    }
}
