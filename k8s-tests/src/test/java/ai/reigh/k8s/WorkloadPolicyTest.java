package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The issue's policy for every container of every workload of every overlay: probes, requests and
 * limits, non-root, read-only root filesystem, no privilege escalation, pinned images; and the wiring
 * that a typo would break without any error at apply time (Service selectors and ports, PDBs).
 */
class WorkloadPolicyTest {
    static final List<String> OVERLAYS = Manifests.OVERLAYS;
    /** The platform's own Deployments (Quarkus, /q/health/*). */
    static final List<String> PLATFORM = List.of("gateway", "projects-service", "tasks-service", "credits-service",
            "storage-service");

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    private record Placed(Manifests.Workload workload, Container container, boolean init) {
        String where() {
            return workload.kind() + " " + workload.name() + (init ? " init container " : " container ") + container.getName();
        }
    }

    private static List<Placed> containers(Manifests manifests) {
        List<Placed> placed = new ArrayList<>();
        for (Manifests.Workload workload : manifests.workloads().values()) {
            PodSpec spec = workload.template().getSpec();
            spec.getContainers().forEach(c -> placed.add(new Placed(workload, c, false)));
            if (spec.getInitContainers() != null) {
                spec.getInitContainers().forEach(c -> placed.add(new Placed(workload, c, true)));
            }
        }
        assertThat(placed).as(manifests.overlay + ": containers").isNotEmpty();
        return placed;
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyContainerRequestsAndIsLimitedInCpuAndMemory(String overlay) {
        for (Placed placed : containers(Manifests.of(overlay))) {
            var resources = placed.container().getResources();
            assertThat(resources).as(placed.where()).isNotNull();
            for (String resource : List.of("cpu", "memory")) {
                Quantity request = resources.getRequests() == null ? null : resources.getRequests().get(resource);
                Quantity limit = resources.getLimits() == null ? null : resources.getLimits().get(resource);
                assertThat(request).as(placed.where() + " requests " + resource).isNotNull();
                assertThat(limit).as(placed.where() + " limit on " + resource).isNotNull();
                BigDecimal requested = Quantity.getAmountInBytes(request);
                assertThat(requested).as(placed.where() + " " + resource + " request").isPositive();
                assertThat(requested).as(placed.where() + " " + resource + " request <= limit")
                        .isLessThanOrEqualTo(Quantity.getAmountInBytes(limit));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyContainerRunsAsNonRootReadOnlyWithoutPrivilegeEscalationOrCapabilities(String overlay) {
        for (Placed placed : containers(Manifests.of(overlay))) {
            PodSpec pod = placed.workload().template().getSpec();
            PodSecurityContext podContext = pod.getSecurityContext();
            SecurityContext context = placed.container().getSecurityContext();
            assertThat(context).as(placed.where() + " securityContext").isNotNull();

            Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot()
                    : podContext == null ? null : podContext.getRunAsNonRoot();
            assertThat(nonRoot).as(placed.where() + " runAsNonRoot").isTrue();
            Long user = context.getRunAsUser() != null ? context.getRunAsUser()
                    : podContext == null ? null : podContext.getRunAsUser();
            assertThat(user).as(placed.where() + " runs as a numeric non-zero uid (verifiable by the kubelet)")
                    .isNotNull().isPositive();
            assertThat(context.getAllowPrivilegeEscalation()).as(placed.where() + " allowPrivilegeEscalation").isFalse();
            assertThat(context.getReadOnlyRootFilesystem()).as(placed.where() + " readOnlyRootFilesystem").isTrue();
            assertThat(context.getPrivileged()).as(placed.where() + " privileged").isNotEqualTo(Boolean.TRUE);
            assertThat(context.getCapabilities()).as(placed.where() + " capabilities").isNotNull();
            assertThat(context.getCapabilities().getDrop()).as(placed.where() + " drops all capabilities").contains("ALL");
            assertThat(context.getCapabilities().getAdd()).as(placed.where() + " adds no capability").isNullOrEmpty();
            assertThat(podContext).as(placed.workload().name() + " pod securityContext").isNotNull();
            assertThat(podContext.getSeccompProfile()).as(placed.workload().name() + " seccomp").isNotNull();
            assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getAutomountServiceAccountToken()).as(placed.workload().name()
                    + " mounts no API token (none of these pods talks to the API server)").isFalse();
        }
    }

    /** A read-only root filesystem still needs a writable /tmp (the JVM, Vert.x' file cache, mc's config). */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyContainerHasABoundedEmptyDirAtTmp(String overlay) {
        for (Placed placed : containers(Manifests.of(overlay))) {
            Optional<VolumeMount> tmp = Optional.ofNullable(placed.container().getVolumeMounts()).orElse(List.of()).stream()
                    .filter(m -> "/tmp".equals(m.getMountPath())).findFirst();
            assertThat(tmp).as(placed.where() + " mounts /tmp").isPresent();
            Volume volume = placed.workload().template().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(tmp.get().getName())).findFirst().orElseThrow();
            assertThat(volume.getEmptyDir()).as(placed.where() + " /tmp is an emptyDir").isNotNull();
            assertThat(volume.getEmptyDir().getSizeLimit()).as(placed.where() + " /tmp has a size limit").isNotNull();
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyImageIsPinnedByTagOrDigestNeverLatest(String overlay) {
        for (Placed placed : containers(Manifests.of(overlay))) {
            String image = placed.container().getImage();
            assertThat(image).as(placed.where()).isNotBlank();
            String lastSegment = image.substring(image.lastIndexOf('/') + 1);
            boolean digest = image.contains("@sha256:");
            boolean tagged = lastSegment.contains(":") && !lastSegment.endsWith(":latest");
            assertThat(digest || tagged).as(placed.where() + ": " + image + " is pinned by a tag or a digest").isTrue();
            assertThat(image).as(placed.where()).doesNotEndWith(":latest");
            assertThat(placed.container().getImagePullPolicy()).as(placed.where()).isNotEqualTo("Always");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyLongRunningContainerHasStartupLivenessAndReadinessProbes(String overlay) {
        for (Placed placed : containers(Manifests.of(overlay))) {
            if (placed.init() || !placed.workload().longRunning()) {
                continue;
            }
            Container container = placed.container();
            assertThat(container.getStartupProbe()).as(placed.where() + " startupProbe").isNotNull();
            assertThat(container.getLivenessProbe()).as(placed.where() + " livenessProbe").isNotNull();
            assertThat(container.getReadinessProbe()).as(placed.where() + " readinessProbe").isNotNull();
            for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
                assertThat(probe.getHttpGet()).as(placed.where() + " probes over HTTP").isNotNull();
                assertThat(portExists(container, probe.getHttpGet().getPort()))
                        .as(placed.where() + " probes a port it declares: " + probe.getHttpGet().getPort()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theQuarkusServicesProbeTheirHealthEndpoints(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (String name : PLATFORM) {
            Container app = app(manifests.one(Deployment.class, name));
            assertThat(app.getStartupProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/started");
            assertThat(app.getLivenessProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/live");
            assertThat(app.getReadinessProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/ready");
            // The startup probe gives a slow start time; liveness must not kill a pod the startup probe still waits for.
            int startupBudgetSeconds = app.getStartupProbe().getFailureThreshold() * app.getStartupProbe().getPeriodSeconds();
            assertThat(startupBudgetSeconds).as(name + " startup budget (s)").isBetween(30, 300);
        }
    }

    /**
     * Health and metrics are on Quarkus' management interface, enabled in each application's own
     * configuration: the probes use the container's port "management", which is the port that interface
     * listens on; the service port (the one behind the Service, and so the edge) serves neither.
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void probesUseTheManagementInterfaceNeverTheServicePort(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (String name : PLATFORM) {
            Container app = app(manifests.one(Deployment.class, name));
            assertThat(RepositoryConfig.property(name, "quarkus.management.enabled")).as(name).contains("true");
            String port = Environment.of(manifests, app).get("QUARKUS_MANAGEMENT_PORT").literal();
            assertThat(port).as(name + ": the port of its application.properties").isEqualTo(
                    RepositoryConfig.required(name, "quarkus.management.port"));
            assertThat(app.getPorts()).as(overlay + ": " + name + " declares its management port").anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("management");
                assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(port));
            });
            for (Probe probe : List.of(app.getStartupProbe(), app.getLivenessProbe(), app.getReadinessProbe())) {
                assertThat(probe.getHttpGet().getPort().getStrVal()).as(overlay + ": " + name + " probes").isEqualTo("management");
            }
        }
    }

    /**
     * Graceful shutdown: the pod leaves the endpoints first (preStop), then Quarkus finishes in-flight
     * requests for up to quarkus.shutdown.timeout, which is longer than the longest long poll (30 s);
     * the grace period covers both.
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void thePlatformShutsDownGracefullyWithinItsGracePeriod(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (String name : PLATFORM) {
            Deployment deployment = manifests.one(Deployment.class, name);
            Container app = app(deployment);
            assertThat(app.getLifecycle()).as(name + " preStop").isNotNull();
            assertThat(app.getLifecycle().getPreStop().getSleep()).as(name + " preStop sleeps (no shell needed)").isNotNull();
            long preStopSeconds = app.getLifecycle().getPreStop().getSleep().getSeconds();
            long shutdownSeconds = RepositoryConfig.shutdownTimeoutSeconds(name);
            assertThat(shutdownSeconds).as(name + " quarkus.shutdown.timeout exceeds the longest long poll (30 s)")
                    .isGreaterThan(30);
            assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                    .as(name + " terminationGracePeriodSeconds covers preStop + quarkus.shutdown.timeout")
                    .isGreaterThan(preStopSeconds + shutdownSeconds);
            assertThat(preStopSeconds).as(name + " preStop").isBetween(1L, 15L);
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyServiceSelectsExactlyOneWorkloadAndTargetsAPortItDeclares(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (Service service : manifests.all(Service.class)) {
            String name = service.getMetadata().getName();
            List<Manifests.Workload> selected = manifests.workloads().values().stream()
                    .filter(w -> w.longRunning() && Selectors.matches(service.getSpec().getSelector(), w.labels())).toList();
            assertThat(selected).as(overlay + ": workloads behind Service " + name).hasSize(1);
            Manifests.Workload workload = selected.get(0);
            for (ServicePort port : service.getSpec().getPorts()) {
                boolean declared = workload.template().getSpec().getContainers().stream()
                        .anyMatch(c -> portExists(c, port.getTargetPort()));
                assertThat(declared).as(overlay + ": Service " + name + " port " + port.getName() + " targets "
                        + port.getTargetPort() + " on " + workload.name()).isTrue();
            }
        }
        for (String name : PLATFORM) {
            assertThat(manifests.find(Service.class, name)).as(overlay + ": a Service for " + name).isPresent();
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyReplicatedWorkloadHasADisruptionBudgetThatSelectsIt(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<PodDisruptionBudget> budgets = manifests.all(PodDisruptionBudget.class);
        for (Manifests.Workload workload : manifests.workloads().values()) {
            if (!workload.longRunning()) {
                continue;
            }
            List<PodDisruptionBudget> covering = budgets.stream()
                    .filter(b -> Selectors.matches(b.getSpec().getSelector(), workload.labels())).toList();
            assertThat(covering).as(overlay + ": PodDisruptionBudgets of " + workload.name()).hasSize(1);
            assertThat(covering.get(0).getSpec().getMaxUnavailable()).as(workload.name() + " maxUnavailable")
                    .isEqualTo(new IntOrString(1));
        }
        for (PodDisruptionBudget budget : budgets) {
            assertThat(manifests.workloads().values().stream()
                    .anyMatch(w -> Selectors.matches(budget.getSpec().getSelector(), w.labels())))
                    .as(overlay + ": PDB " + budget.getMetadata().getName() + " selects a workload").isTrue();
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void podTemplatesCarryTheirSelectorsLabels(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (Deployment deployment : manifests.all(Deployment.class)) {
            assertThat(Selectors.matches(deployment.getSpec().getSelector(), deployment.getSpec().getTemplate().getMetadata().getLabels()))
                    .as(overlay + ": " + deployment.getMetadata().getName()).isTrue();
        }
        for (StatefulSet set : manifests.all(StatefulSet.class)) {
            assertThat(Selectors.matches(set.getSpec().getSelector(), set.getSpec().getTemplate().getMetadata().getLabels()))
                    .as(overlay + ": " + set.getMetadata().getName()).isTrue();
        }
    }

    static Container app(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("app")).findFirst()
                .orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " has no container named app"));
    }

    static boolean portExists(Container container, IntOrString port) {
        List<ContainerPort> ports = Optional.ofNullable(container.getPorts()).orElse(List.of());
        if (port == null) {
            return false;
        }
        if (port.getStrVal() != null) {
            return ports.stream().anyMatch(p -> Objects.equals(p.getName(), port.getStrVal()));
        }
        return ports.stream().anyMatch(p -> Objects.equals(p.getContainerPort(), port.getIntVal()));
    }

    static Map<String, String> labels(Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getLabels();
    }
}
