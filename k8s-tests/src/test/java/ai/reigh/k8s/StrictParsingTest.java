package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The strict reader really refuses what the API server would refuse (or silently drop): otherwise the
 * render tests above would pass on anything.
 */
class StrictParsingTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: example
            spec:
              selector:
                matchLabels:
                  app: example
              template:
                metadata:
                  labels:
                    app: example
                spec:
                  %s
                  containers:
                    - name: app
                      image: example/app:1.0.0
                      %s
            """;

    private static String deployment(String podSpecLine, String containerLine) {
        return DEPLOYMENT.formatted(podSpecLine, containerLine);
    }

    @Test
    void aWellFormedDeploymentIsRead() {
        Manifests manifests = Manifests.read("test", deployment("enableServiceLinks: false", "ports: [{containerPort: 8080}]"));

        Deployment deployment = manifests.one(Deployment.class, "example");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort())
                .isEqualTo(8080);
    }

    @Test
    void anUnknownFieldIsRefused() {
        assertThatThrownBy(() -> Manifests.read("test", deployment("enableServiceLinks: false", "imagePullPolcy: Always")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imagePullPolcy");
    }

    @Test
    void aFieldAtTheWrongLevelIsRefused() {
        // A probe belongs to a container, not to the pod spec.
        assertThatThrownBy(() -> Manifests.read("test", deployment("readinessProbe: {httpGet: {path: /, port: 8080}}",
                "ports: []")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readinessProbe");
    }

    @Test
    void aQuotedNumberWhereTheApiWantsANumberIsRefused() {
        assertThatThrownBy(() -> Manifests.read("test", deployment("enableServiceLinks: false",
                "ports: [{containerPort: \"8080\"}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("containerPort");
    }

    @Test
    void aNumberWhereTheApiWantsAStringIsRefused() {
        // An annotation value must be a string: the API server refuses an unquoted 3600.
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: example
                  annotations:
                    timeout: 3600
                spec:
                  selector: {app: example}
                  ports: [{port: 80}]
                """;
        assertThatThrownBy(() -> Manifests.read("test", yaml)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        String yaml = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: example
                data:
                  A: "1"
                  A: "2"
                """;
        assertThatThrownBy(() -> Manifests.read("test", yaml)).hasMessageContaining("Duplicate");
    }

    @Test
    void aKindWithoutATypedModelIsRefused() {
        String yaml = """
                apiVersion: example.com/v1
                kind: Widget
                metadata:
                  name: example
                """;
        assertThatThrownBy(() -> Manifests.read("test", yaml)).hasMessageContaining("no typed model");
    }

    @Test
    void anUnknownFieldInACustomResourceIsRefused() {
        String yaml = """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata:
                  name: db
                spec:
                  instances: 3
                  minSyncReplica: 1
                """;
        assertThatThrownBy(() -> Manifests.read("test", yaml)).hasMessageContaining("minSyncReplica");
    }

    @Test
    void aValueOutsideACustomResourcesEnumIsRefused() {
        String yaml = """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata:
                  name: db
                spec:
                  instances: 3
                  postgresql:
                    synchronous: {method: quorum, number: 1}
                """;
        assertThatThrownBy(() -> Manifests.read("test", yaml)).hasMessageContaining("quorum");
    }
}
