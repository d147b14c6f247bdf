package ai.reigh.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The document this build merged: every public operation of every service, nothing private, nothing dangling. */
class MergedDocumentTest {

    @Test
    void everyPublicOperationOfEveryServiceIsInTheMergedDocumentWithItsService() {
        ObjectNode merged = ApiDocuments.merged();
        List<String> expected = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : ApiDocuments.services().entrySet()) {
            service.getValue().path("paths").fields().forEachRemaining(path -> {
                if (OpenApiMerger.isPrivatePath(path.getKey())) {
                    return;
                }
                path.getValue().fieldNames().forEachRemaining(method -> {
                    if (OpenApiMerger.HTTP_METHODS.contains(method)) {
                        expected.add(service.getKey() + " " + method + " " + path.getKey());
                        found.add(merged.path("paths").path(path.getKey()).path(method)
                                .path(OpenApiMerger.SERVICE_EXTENSION).asText("(missing)") + " " + method + " " + path.getKey());
                    }
                });
            });
        }
        assertThat(expected).hasSizeGreaterThan(40);
        assertThat(found).containsExactlyElementsOf(expected);
    }

    @Test
    void everySuccessThatHasABodySaysWhatItIs() {
        List<String> untyped = new ArrayList<>();
        ApiDocuments.merged().path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (op.getKey().equals("head")) {
                return; // a HEAD answer has no body (HTTP): whatever content it lists describes the GET's
            }
            op.getValue().path("responses").fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("2")) {
                    response.getValue().path("content").fields().forEachRemaining(media -> {
                        if (media.getValue().path("schema").isMissingNode()) {
                            untyped.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + response.getKey() + " "
                                    + media.getKey());
                        }
                    });
                }
            });
        }));
        // A typed client cannot type what the document does not describe.
        assertThat(untyped).isEmpty();
    }

    @Test
    void noInternalOrQuarkusPathIsPublished() {
        List<String> paths = new ArrayList<>();
        ApiDocuments.merged().path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).isNotEmpty().noneMatch(OpenApiMerger::isPrivatePath);
        // Types only the internal routes use stay out too (the charge request of tasks → credits, for one).
        assertThat(ApiDocuments.merged().path("components").path("schemas").has("ChargeRequest")).isFalse();
    }

    @Test
    void everyReferenceResolvesAndEveryComponentIsUsed() {
        ObjectNode merged = ApiDocuments.merged();
        TreeSet<String> refs = new TreeSet<>();
        merged.findValuesAsText("$ref").forEach(refs::add);
        TreeSet<String> defined = new TreeSet<>();
        merged.path("components").fields().forEachRemaining(kind -> {
            if (!kind.getKey().equals("securitySchemes")) {
                kind.getValue().fieldNames().forEachRemaining(name -> defined.add("#/components/" + kind.getKey() + "/" + name));
            }
        });
        assertThat(refs).isNotEmpty().isEqualTo(defined);
    }

    @Test
    void theDocumentDescribesTheGatewaysApiOnce() {
        ObjectNode merged = ApiDocuments.merged();
        assertThat(merged.path("openapi").asText()).startsWith("3.");
        assertThat(merged.path("info").path("title").asText()).isEqualTo("Reigh API");
        // Relative to the origin that serves it (the gateway): no service's own host and port.
        assertThat(merged.has("servers")).isFalse();
        assertThat(merged.path("components").path("securitySchemes").size()).isEqualTo(1);
        assertThat(merged.path("components").path("schemas").has("Problem")).isTrue();
    }
}
