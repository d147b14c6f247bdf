package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every overlay renders with kubectl kustomize, and every rendered document fits its typed model
 * exactly (Manifests / StrictYaml): nothing unknown, nothing misplaced, nothing dropped.
 */
class RenderTest {
    static final List<String> OVERLAYS = Manifests.OVERLAYS;

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void rendersAndEveryDocumentFitsItsTypedModel(String overlay) {
        Manifests manifests = Manifests.of(overlay);

        Set<String> kinds = manifests.documents.stream().map(Manifests.Document::kind).collect(Collectors.toSet());
        assertThat(kinds).as(overlay + ": the suite, its database, its object store and its edge")
                .contains("Namespace", "Deployment", "Service", "ConfigMap", "Job", "PodDisruptionBudget",
                        "NetworkPolicy", "Cluster", "ObjectStore", "ScheduledBackup", "StatefulSet");
        assertThat(manifests.documents).allSatisfy(d -> assertThat(d.typed()).isNotNull());
    }

    /**
     * Reading into the typed model and writing it back gives the rendered tree again: no field was
     * silently dropped (say one the model ignores) and no value was reinterpreted.
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyDocumentSurvivesTheRoundTripThroughItsModel(String overlay) {
        for (Manifests.Document document : Manifests.of(overlay).documents) {
            JsonNode written = StrictYaml.tree(document.typed());
            assertThat(StrictYaml.firstDifference(document.tree(), written))
                    .as(overlay + ": " + document.kind() + " " + document.name() + " read and written back").isEmpty();
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyObjectIsInTheOverlaysNamespaceAndNamedUniquely(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        String namespace = manifests.all(io.fabric8.kubernetes.api.model.Namespace.class).stream()
                .map(n -> n.getMetadata().getName()).findFirst().orElseThrow();
        for (Manifests.Document document : manifests.documents) {
            if (!document.kind().equals("Namespace")) {
                assertThat(document.tree().path("metadata").path("namespace").asText())
                        .as(overlay + ": " + document.kind() + " " + document.name()).isEqualTo(namespace);
            }
        }
        assertThat(manifests.documents.stream().map(d -> d.kind() + "/" + d.name()))
                .as(overlay + ": kind/name pairs").doesNotHaveDuplicates();
    }
}
