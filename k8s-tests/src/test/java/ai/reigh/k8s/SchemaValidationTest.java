package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.k8s.schema.ApiSchemas;

/**
 * The pinned upstream schemas really judge: each rendered object of the prod overlay, broken in the
 * way a careless edit breaks it, is refused with the path of the mistake. Otherwise the render tests,
 * which check every object of every overlay against these schemas, would pass on anything.
 */
class SchemaValidationTest {
    private static final ApiSchemas SCHEMAS = Manifests.SCHEMAS;

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    @Test
    void everyKindTheManifestsMayUseHasItsUpstreamSchemaPinned() {
        assertThat(Manifests.KINDS.keySet()).allSatisfy(kind -> assertThat(SCHEMAS.schemaOf(kind)).as(kind).isPresent());
    }

    @Test
    void theRenderedOverlaysFitTheirSchemasAsTheyAre() {
        for (String overlay : Manifests.OVERLAYS) {
            assertThat(Manifests.of(overlay).documents).allSatisfy(document -> assertThat(SCHEMAS.violations(document.tree()))
                    .as(overlay + ": " + document.kind() + " " + document.name()).isEmpty());
        }
    }

    @Test
    void theGatewayApiSchemaIsOneWithRouteTimeouts() {
        // HTTPRoute timeouts are standard from Gateway API 1.2; the routes set them (docs/deploy.md).
        JsonNode rule = SCHEMAS.schemaOf("gateway.networking.k8s.io/v1/HTTPRoute").orElseThrow()
                .at("/properties/spec/properties/rules/items/properties");
        assertThat(rule.has("timeouts")).isTrue();
    }

    @Test
    void aBuiltInKindWithAMisspelledOrMistypedFieldIsRefused() {
        assertThat(broken("Deployment", "tasks-service", d -> container(d).put("imagePullPolcy", "Always")))
                .anySatisfy(v -> assertThat(v).contains("/containers/0/imagePullPolcy: unknown field"));
        assertThat(broken("Deployment", "tasks-service", d -> ((ObjectNode) d.get("spec")).put("replicas", "2")))
                .anySatisfy(v -> assertThat(v).contains("/spec/replicas: must be an integer"));
        assertThat(broken("Deployment", "tasks-service", d -> container(d).remove("name")))
                .anySatisfy(v -> assertThat(v).contains("required field name is missing"));
        assertThat(broken("Service", "tasks-service", s -> ((ObjectNode) s.at("/spec/ports/0")).put("port", "http")))
                .anySatisfy(v -> assertThat(v).contains("/spec/ports/0/port: must be an integer"));
        // Containers are a list keyed by name: a second one of the same name is refused.
        assertThat(broken("Deployment", "tasks-service", d -> ((ArrayNode) d.at("/spec/template/spec/containers")).add(container(d).deepCopy())))
                .anySatisfy(v -> assertThat(v).contains("/containers/1: duplicate key"));
    }

    @Test
    void aCustomResourceBrokenAgainstItsOperatorsCrdIsRefused() {
        assertThat(broken("Cluster", "reigh-db", c -> ((ObjectNode) c.get("spec")).put("instancess", 3)))
                .anySatisfy(v -> assertThat(v).contains("/spec/instancess: unknown field"));
        assertThat(broken("Cluster", "reigh-db", c -> ((ObjectNode) c.get("spec")).put("instances", 0)))
                .anySatisfy(v -> assertThat(v).contains("/spec/instances: 0 is below the minimum 1"));
        assertThat(broken("Cluster", "reigh-db", c -> ((ObjectNode) c.get("metadata")).putObject("lables")))
                .anySatisfy(v -> assertThat(v).contains("/metadata/lables: unknown field"));
        assertThat(broken("HTTPRoute", null, r -> ((ObjectNode) r.at("/spec/rules/0")).putObject("timeouts")
                .put("request", "ten seconds")))
                .anySatisfy(v -> assertThat(v).contains("/spec/rules/0/timeouts/request").contains("does not match"));
        assertThat(broken("PrometheusRule", "reigh-alerts", r -> ((ObjectNode) r.at("/spec/groups/0/rules/0")).remove("expr")))
                .anySatisfy(v -> assertThat(v).contains("required field expr is missing"));
        assertThat(broken("ObjectStore", null, o -> ((ObjectNode) o.at("/spec/configuration")).remove("destinationPath")))
                .anySatisfy(v -> assertThat(v).contains("required field destinationPath is missing"));
        assertThat(broken("PodMonitor", null, m -> ((ObjectNode) m.at("/spec/podMetricsEndpoints/0")).put("scheme", "ftp")))
                .anySatisfy(v -> assertThat(v).contains("/spec/podMetricsEndpoints/0/scheme"));
    }

    @Test
    void aKedaScaledObjectWithoutItsTargetIsRefused() throws IOException {
        JsonNode scaledObject = GpuWorkersTest.prodWithGpuWorkers().documents.stream()
                .filter(d -> d.kind().equals("ScaledObject")).findFirst().orElseThrow().tree().deepCopy();
        assertThat(SCHEMAS.violations(scaledObject)).isEmpty();

        ((ObjectNode) scaledObject.get("spec")).remove("scaleTargetRef");
        assertThat(SCHEMAS.violations(scaledObject)).anySatisfy(v -> assertThat(v).contains("required field scaleTargetRef"));
    }

    @Test
    void aKindWithoutAPinnedSchemaIsAViolationItself() {
        JsonNode unknown = StrictYaml.documents("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n").get(0);

        assertThat(SCHEMAS.violations(unknown)).containsExactly("no schema is pinned for example.com/v1/Widget");
    }

    /** A prod object of {@code kind} (named {@code name}, or the first), changed by {@code edit}: its violations. */
    private static List<String> broken(String kind, String name, Consumer<ObjectNode> edit) {
        ObjectNode document = Manifests.of("prod").documents.stream()
                .filter(d -> d.kind().equals(kind) && (name == null || d.name().equals(name)))
                .findFirst().orElseThrow(() -> new AssertionError("prod has no " + kind + " " + name))
                .tree().deepCopy();
        edit.accept(document);
        return SCHEMAS.violations(document);
    }

    private static ObjectNode container(ObjectNode deployment) {
        return (ObjectNode) deployment.at("/spec/template/spec/containers/0");
    }
}
