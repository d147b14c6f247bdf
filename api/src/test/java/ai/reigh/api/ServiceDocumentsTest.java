package ai.reigh.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Each service's own document (generated from its code at build time, the same one it serves at
 * /q/openapi) says what the service really does on the two points every route shares: a failure is a
 * problem+json body, and a free-form JSON field (params, settings, metadata) takes any JSON value.
 */
class ServiceDocumentsTest {

    @Test
    void everyOperationDocumentsItsFailuresAsProblemJson() {
        List<String> undocumented = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : ApiDocuments.services().entrySet()) {
            JsonNode problem = service.getValue().path("components").path("schemas").path("Problem");
            assertThat(problem.path("properties").fieldNames()).toIterable().as(service.getKey())
                    .contains("type", "title", "status", "detail", "code", "errors", "request_id");
            service.getValue().path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                if (!OpenApiMerger.HTTP_METHODS.contains(op.getKey())) {
                    return;
                }
                op.getValue().path("responses").fields().forEachRemaining(response -> {
                    boolean failure = response.getKey().equals("default") || response.getKey().startsWith("4")
                            || response.getKey().startsWith("5");
                    String ref = response.getValue().path("content").path("application/problem+json").path("schema")
                            .path("$ref").asText();
                    if (failure && !ref.equals("#/components/schemas/Problem")) {
                        undocumented.add(service.getKey() + " " + op.getKey() + " " + path.getKey() + " " + response.getKey());
                    }
                });
                if (!op.getValue().path("responses").has("default")) {
                    undocumented.add(service.getKey() + " " + op.getKey() + " " + path.getKey() + " default");
                }
            }));
        }
        assertThat(undocumented).isEmpty();
    }

    @Test
    void theEventStreamIsDescribedAsTextNotAsJavasSseTypes() {
        JsonNode stream = ApiDocuments.merged().at("/paths/~1v1~1events/get/responses/200/content/text~1event-stream/schema");
        assertThat(stream.path("type").asText()).isEqualTo("string");
        assertThat(ApiDocuments.merged().path("components").path("schemas").has("OutboundSseEvent")).isFalse();
    }

    @Test
    void freeFormJsonFieldsTakeAnyJsonValueNotJacksonsNodeApi() {
        for (Map.Entry<String, JsonNode> service : ApiDocuments.services().entrySet()) {
            // Jackson's JsonNode scanned as a bean shows its getters (value_node, node_type, ...) as fields.
            assertThat(service.getValue().findValues("value_node")).as(service.getKey()).isEmpty();
            assertThat(service.getValue().path("components").path("schemas").has("JsonNodeType")).as(service.getKey()).isFalse();
        }
        JsonNode params = ApiDocuments.merged().at("/components/schemas/TaskView/properties/params");
        JsonNode resolved = params.has("$ref")
                ? ApiDocuments.merged().at(params.path("$ref").asText().substring(1))
                : params;
        assertThat(resolved.has("type")).as("params of a task is any JSON value: %s", resolved).isFalse();
        assertThat(resolved.has("properties")).isFalse();
    }
}
