package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * Who can open a connection to whom, computed from the rendered NetworkPolicies with Kubernetes'
 * semantics (a pod selected by any policy accepts only what some rule allows; rules are unions):
 * only the gateway is open to everyone; a service port accepts only the gateway and the other
 * services; PostgreSQL and MinIO only the services that need them (plus their operators, the edge for
 * presigned object URLs, and Prometheus where monitoring is installed).
 */
class NetworkPolicyTest {
    static final List<String> OVERLAYS = Manifests.OVERLAYS;
    private static final Set<String> SERVICES = Set.of("projects-service", "tasks-service", "credits-service", "storage-service");
    private static final String POSTGRES = "postgres (CloudNativePG instance)";

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    /** A pod of the namespace: its labels and its named ports. */
    private record Pod(String name, Map<String, String> labels, Map<String, Integer> namedPorts) {
    }

    /** Everything allowed to connect to one pod's port. */
    private record Access(boolean anyone, Set<String> pods, Set<String> namespaces, Set<String> ipBlocks) {
    }

    private static Map<String, Pod> pods(Manifests manifests) {
        Map<String, Pod> pods = new LinkedHashMap<>();
        for (Manifests.Workload workload : manifests.workloads().values()) {
            Map<String, Integer> named = new LinkedHashMap<>();
            for (Container container : workload.template().getSpec().getContainers()) {
                for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
                    if (port.getName() != null) {
                        named.put(port.getName(), port.getContainerPort());
                    }
                }
            }
            pods.put(workload.name(), new Pod(workload.name(), workload.labels(), named));
        }
        // CloudNativePG creates the instance pods; they carry the cluster's label.
        pods.put(POSTGRES, new Pod(POSTGRES, Map.of("cnpg.io/cluster", "reigh-db"), Map.of()));
        return pods;
    }

    private static Access access(Manifests manifests, String target, int port) {
        Map<String, Pod> pods = pods(manifests);
        Pod pod = pods.get(target);
        Set<String> allowedPods = new TreeSet<>();
        Set<String> namespaces = new TreeSet<>();
        Set<String> ipBlocks = new TreeSet<>();
        boolean anyone = false;
        boolean isolated = false;
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            if (!Selectors.matches(policy.getSpec().getPodSelector(), pod.labels())
                    || !policy.getSpec().getPolicyTypes().contains("Ingress")) {
                continue;
            }
            isolated = true;
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress() == null
                    ? List.<NetworkPolicyIngressRule>of() : policy.getSpec().getIngress()) {
                if (!allowsPort(rule.getPorts(), pod, port)) {
                    continue;
                }
                if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
                    anyone = true;
                    continue;
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getIpBlock() != null) {
                        ipBlocks.add(peer.getIpBlock().getCidr());
                    } else if (peer.getNamespaceSelector() != null) {
                        namespaces.add(String.valueOf(peer.getNamespaceSelector().getMatchLabels()));
                    } else {
                        pods.values().stream().filter(p -> Selectors.matches(peer.getPodSelector(), p.labels()))
                                .forEach(p -> allowedPods.add(p.name()));
                    }
                }
            }
        }
        assertThat(isolated).as(manifests.overlay + ": " + target + " is selected by some NetworkPolicy").isTrue();
        return new Access(anyone, allowedPods, namespaces, ipBlocks);
    }

    private static boolean allowsPort(List<NetworkPolicyPort> ports, Pod pod, int port) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort allowed : ports) {
            IntOrString value = allowed.getPort();
            if (value == null) {
                return true;
            }
            Integer number = value.getStrVal() != null ? pod.namedPorts().get(value.getStrVal()) : value.getIntVal();
            if (Objects.equals(number, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean monitored(Manifests manifests) {
        return manifests.documents.stream().anyMatch(d -> d.kind().equals("PodMonitor") || d.kind().equals("ServiceMonitor"));
    }

    private static Set<String> monitoringNamespace(Manifests manifests) {
        return monitored(manifests) ? Set.of("{kubernetes.io/metadata.name=monitoring}") : Set.of();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void nothingIsReachableUnlessAllowed(String overlay) {
        List<NetworkPolicy> denyAll = Manifests.of(overlay).all(NetworkPolicy.class).stream()
                .filter(p -> Selectors.isEmpty(p.getSpec().getPodSelector()) && p.getSpec().getPolicyTypes().contains("Ingress")
                        && (p.getSpec().getIngress() == null || p.getSpec().getIngress().isEmpty()))
                .toList();
        assertThat(denyAll).as(overlay + ": a default-deny ingress policy for the whole namespace").hasSize(1);
        assertThat(Manifests.of(overlay).all(NetworkPolicy.class)).allSatisfy(p -> assertThat(p.getSpec().getIngress())
                .as(p.getMetadata().getName() + " uses no ipBlock").allSatisfy(rule -> assertThat(
                        rule.getFrom() == null ? List.of() : rule.getFrom().stream().filter(f -> f.getIpBlock() != null).toList())
                        .isEmpty()));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void onlyTheGatewayIsOpenToEveryone(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        assertThat(access(manifests, "gateway", 8080).anyone()).as(overlay + ": gateway:8080").isTrue();
        for (Pod pod : pods(manifests).values()) {
            if (pod.name().equals("gateway")) {
                continue;
            }
            for (int port : List.of(5432, 8000, 8081, 8082, 8083, 8084, 8090, 8091, 8092, 8093, 8094, 9000, 9187)) {
                if (manifests.all(NetworkPolicy.class).stream().anyMatch(p -> Selectors.matches(p.getSpec().getPodSelector(), pod.labels()))) {
                    assertThat(access(manifests, pod.name(), port).anyone()).as(overlay + ": " + pod.name() + ":" + port
                            + " open to everyone").isFalse();
                }
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void aServicePortAcceptsOnlyTheGatewayAndTheOtherServicesAndTasksServiceTheEdge(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, Integer> ports = Map.of("projects-service", 8081, "tasks-service", 8082, "credits-service", 8083,
                "storage-service", 8084);
        for (Map.Entry<String, Integer> service : ports.entrySet()) {
            Access access = access(manifests, service.getKey(), service.getValue());
            Set<String> expected = new TreeSet<>(SERVICES);
            expected.add("gateway");
            assertThat(access.pods()).as(overlay + ": pods reaching " + service.getKey()).isEqualTo(expected);
            // Only tasks-service is reached from outside: by the edge, for the workers' routes (EdgeTest says
            // which paths). Prometheus scrapes the management port, not this one.
            Set<String> namespaces = service.getKey().equals("tasks-service") ? Set.of("{reigh.ai/edge=true}") : Set.of();
            assertThat(access.namespaces()).as(overlay + ": namespaces reaching " + service.getKey()).isEqualTo(namespaces);
            assertThat(access.ipBlocks()).isEmpty();
        }
    }

    /** Health and metrics: no pod of the namespace and no namespace but Prometheus' (where monitoring is installed). */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void aManagementPortAcceptsOnlyPrometheus(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (String name : WorkloadPolicyTest.PLATFORM) {
            Integer port = pods(manifests).get(name).namedPorts().get("management");
            assertThat(port).as(overlay + ": " + name + " names its management port").isNotNull();
            Access access = access(manifests, name, port);
            assertThat(access.anyone()).as(overlay + ": " + name + ":" + port + " open to everyone").isFalse();
            assertThat(access.pods()).as(overlay + ": pods reaching " + name + ":" + port).isEmpty();
            assertThat(access.namespaces()).as(overlay + ": namespaces reaching " + name + ":" + port)
                    .isEqualTo(monitoringNamespace(manifests));
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void postgresAcceptsOnlyTheServicesTheMigrationItsInstancesAndItsOperator(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Access sql = access(manifests, POSTGRES, 5432);
        Set<String> expected = new TreeSet<>(SERVICES);
        expected.addAll(List.of(manifests.migrationJob().getMetadata().getName(), POSTGRES));
        assertThat(sql.pods()).as(overlay + ": pods reaching PostgreSQL:5432").isEqualTo(expected);
        assertThat(sql.pods()).as("the gateway has no business with the database").doesNotContain("gateway");
        assertThat(sql.namespaces()).isEqualTo(Set.of("{kubernetes.io/metadata.name=cnpg-system}"));

        Access instanceManager = access(manifests, POSTGRES, 8000);
        assertThat(instanceManager.pods()).isEqualTo(Set.of(POSTGRES));
        assertThat(instanceManager.namespaces()).isEqualTo(Set.of("{kubernetes.io/metadata.name=cnpg-system}"));

        Access exporter = access(manifests, POSTGRES, 9187);
        assertThat(exporter.pods()).isEmpty();
        assertThat(exporter.namespaces()).isEqualTo(monitoringNamespace(manifests));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void minioAcceptsOnlyStorageItsSetupPostgresBackupsItsPeersAndTheEdge(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Access s3 = access(manifests, "minio", 9000);
        assertThat(s3.pods()).as(overlay + ": pods reaching MinIO")
                .isEqualTo(new TreeSet<>(List.of("storage-service", "minio-setup", "minio", POSTGRES)));
        Set<String> namespaces = new TreeSet<>(monitoringNamespace(manifests));
        namespaces.add("{reigh.ai/edge=true}");
        assertThat(s3.namespaces()).as(overlay + ": namespaces reaching MinIO (the edge, for presigned URLs)")
                .isEqualTo(namespaces);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyNamedPortInAPolicyExistsOnThePodsItSelects(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<String> problems = new ArrayList<>();
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress() == null
                    ? List.<NetworkPolicyIngressRule>of() : policy.getSpec().getIngress()) {
                for (NetworkPolicyPort port : rule.getPorts() == null ? List.<NetworkPolicyPort>of() : rule.getPorts()) {
                    if (port.getPort() != null && port.getPort().getStrVal() != null) {
                        pods(manifests).values().stream()
                                .filter(p -> Selectors.matches(policy.getSpec().getPodSelector(), p.labels()))
                                .filter(p -> !p.namedPorts().containsKey(port.getPort().getStrVal()))
                                .forEach(p -> problems.add(policy.getMetadata().getName() + ": " + p.name() + " has no port "
                                        + port.getPort().getStrVal()));
                    }
                }
            }
        }
        assertThat(problems).as(overlay).isEmpty();
    }
}
