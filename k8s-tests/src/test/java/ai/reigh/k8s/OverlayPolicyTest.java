package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.testing.PostgresMajor;
import ai.reigh.k8s.crd.BarmanObjectStore;
import ai.reigh.k8s.crd.CnpgCluster;
import ai.reigh.k8s.crd.CnpgScheduledBackup;
import ai.reigh.k8s.crd.PrometheusMonitors;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * What distinguishes the overlays: dev runs one of everything with small requests; prod runs replicas
 * spread over nodes, autoscales the gateway and tasks-service, replicates PostgreSQL synchronously,
 * backs it up outside the cluster, and holds no credential in its manifests.
 */
class OverlayPolicyTest {
    private static final Pattern CREDENTIAL_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|ACCESS_KEY|TOKEN|PRIVATE_KEY)(?!_LOCATION).*");
    private static final List<String> PLATFORM = WorkloadPolicyTest.PLATFORM;

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    private static Manifests prod() {
        return Manifests.of("prod");
    }

    private static Manifests dev() {
        return Manifests.of("dev");
    }

    // ---- dev --------------------------------------------------------------------------------------------

    @Test
    void devRunsOneOfEverything() {
        Manifests dev = dev();
        assertThat(dev.all(Deployment.class)).allSatisfy(d -> assertThat(d.getSpec().getReplicas())
                .as(d.getMetadata().getName()).isEqualTo(1));
        assertThat(dev.all(StatefulSet.class)).allSatisfy(s -> assertThat(s.getSpec().getReplicas()).isEqualTo(1));
        assertThat(dev.one(CnpgCluster.class, "reigh-db").spec().instances()).isEqualTo(1);
        assertThat(dev.all(HorizontalPodAutoscaler.class)).isEmpty();
        for (Deployment deployment : dev.all(Deployment.class)) {
            var requests = WorkloadPolicyTest.app(deployment).getResources().getRequests();
            assertThat(Quantity.getAmountInBytes(requests.get("cpu"))).as(deployment.getMetadata().getName() + " cpu request")
                    .isLessThanOrEqualTo(new BigDecimal("0.05"));
        }
    }

    // ---- prod: secrets ---------------------------------------------------------------------------------

    @Test
    void prodRendersNoSecretAndNoLiteralCredential() {
        Manifests prod = prod();
        assertThat(prod.all(Secret.class)).as("Secrets are created out of band, never rendered").isEmpty();

        List<String> literals = new ArrayList<>();
        for (Manifests.Workload workload : prod.workloads().values()) {
            List<Container> containers = new ArrayList<>(workload.template().getSpec().getContainers());
            Optional.ofNullable(workload.template().getSpec().getInitContainers()).ifPresent(containers::addAll);
            for (Container container : containers) {
                Environment.of(prod, container).forEach((name, value) -> {
                    if (CREDENTIAL_NAME.matcher(name).matches() && !value.fromSecret()) {
                        literals.add(workload.name() + "/" + container.getName() + " " + name + " from " + value.source());
                    }
                });
            }
        }
        for (ConfigMap configMap : prod.all(ConfigMap.class)) {
            configMap.getData().keySet().stream().filter(k -> CREDENTIAL_NAME.matcher(k).matches())
                    .forEach(k -> literals.add("ConfigMap " + configMap.getMetadata().getName() + " " + k));
        }
        for (Manifests.Document document : prod.documents) {
            findLiteralCredentialFields(document.kind() + " " + document.name(), document.tree(), literals);
        }
        assertThat(literals).as("credentials that are not references to Secrets").isEmpty();
    }

    /** Any field named like a credential must hold a reference (an object), never a string. */
    private static void findLiteralCredentialFields(String where, JsonNode node, List<String> found) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().matches("(?i).*(password|secretkey|secretaccesskey|accesskeyid|token).*")
                        && field.getValue().isTextual()) {
                    found.add(where + ": " + field.getKey() + " is a literal");
                }
                findLiteralCredentialFields(where, field.getValue(), found);
            }
        } else if (node.isArray()) {
            node.forEach(item -> findLiteralCredentialFields(where, item, found));
        }
    }

    @Test
    void prodDatabaseCredentialsAreSecretsReferencedByTheClusterAndThePods() {
        CnpgCluster.Spec spec = prod().one(CnpgCluster.class, "reigh-db").spec();
        assertThat(spec.bootstrap().initdb().secret()).as("the owner's password comes from a Secret").isNotNull();
        assertThat(spec.enableSuperuserAccess()).as("no superuser login").isFalse();
        assertThat(spec.managed().roles()).allSatisfy(role -> {
            assertThat(role.passwordSecret()).as(role.name()).isNotNull();
            assertThat(role.login()).as(role.name()).isTrue();
            assertThat(role.superuser()).as(role.name()).isNotEqualTo(Boolean.TRUE);
            assertThat(role.bypassrls()).as(role.name() + " row-level security applies to the services").isNotEqualTo(Boolean.TRUE);
            assertThat(role.createrole()).as(role.name()).isNotEqualTo(Boolean.TRUE);
        });
    }

    // ---- prod: scale -----------------------------------------------------------------------------------

    @Test
    void prodAutoscalesTheGatewayAndTasksServiceAndLeavesTheirReplicasToTheAutoscaler() {
        Manifests prod = prod();
        List<HorizontalPodAutoscaler> autoscalers = prod.all(HorizontalPodAutoscaler.class);
        assertThat(autoscalers).extracting(h -> h.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrder("gateway", "tasks-service");
        for (HorizontalPodAutoscaler autoscaler : autoscalers) {
            var target = autoscaler.getSpec().getScaleTargetRef();
            assertThat(target.getKind()).isEqualTo("Deployment");
            Deployment deployment = prod.one(Deployment.class, target.getName());
            assertThat(deployment.getSpec().getReplicas())
                    .as(target.getName() + ": no replicas in the manifest, or every apply would reset the autoscaler").isNull();
            assertThat(autoscaler.getSpec().getMinReplicas()).as(target.getName() + " minimum").isGreaterThanOrEqualTo(2);
            assertThat(autoscaler.getSpec().getMaxReplicas()).isGreaterThan(autoscaler.getSpec().getMinReplicas());
            assertThat(autoscaler.getSpec().getMetrics()).singleElement().satisfies(metric -> {
                assertThat(metric.getResource().getName()).isEqualTo("cpu");
                assertThat(metric.getResource().getTarget().getAverageUtilization()).isBetween(50, 90);
            });
            // Utilization is relative to the request: the request must be there and be meaningful.
            Quantity cpu = WorkloadPolicyTest.app(deployment).getResources().getRequests().get("cpu");
            assertThat(Quantity.getAmountInBytes(cpu)).as(target.getName() + " cpu request").isGreaterThanOrEqualTo(new BigDecimal("0.1"));
        }
    }

    /** tasks-service's autoscaler may not open more connections than its database role allows. */
    @Test
    void tasksServicesMaximumFitsItsDatabaseRolesConnectionLimit() {
        Manifests prod = prod();
        HorizontalPodAutoscaler tasks = prod.one(HorizontalPodAutoscaler.class, "tasks-service");
        int pool = Integer.parseInt(prod.configMap("tasks-service-config").getData().get("REIGH_DB_POOL_SIZE"));
        int surge = prod.one(Deployment.class, "tasks-service").getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
        CnpgCluster.Role role = role(prod, "reigh_tasks");
        assertThat((long) (tasks.getSpec().getMaxReplicas() + surge) * pool).isLessThanOrEqualTo(role.connectionLimit());
    }

    /**
     * Password rotation without lockout: every service has a second login that is a member of its role
     * (same rights, same connection limit, a Secret of its own), and its pods take user and password from
     * one Secret, so switching them to the other login is one change.
     */
    @Test
    void everyServiceHasASecondLoginForPasswordRotation() {
        for (String overlay : Manifests.OVERLAYS) {
            Manifests manifests = Manifests.of(overlay);
            for (String service : List.of("projects-service", "tasks-service", "credits-service", "storage-service")) {
                String roleName = RepositoryConfig.required(service, "reigh.db.user");
                CnpgCluster.Role own = role(manifests, roleName);
                CnpgCluster.Role alternate = role(manifests, roleName + "_alt");
                assertThat(alternate.login()).as(overlay + ": " + alternate.name()).isTrue();
                assertThat(alternate.inRoles()).as(overlay + ": " + alternate.name()).containsExactly(roleName);
                assertThat(alternate.connectionLimit()).isEqualTo(own.connectionLimit());
                assertThat(alternate.passwordSecret().name()).isNotEqualTo(own.passwordSecret().name());
                assertThat(alternate.superuser()).isNull();
                assertThat(alternate.bypassrls()).isNull();

                List<EnvVar> env = manifests.one(Deployment.class, service).getSpec()
                        .getTemplate().getSpec().getContainers().get(0).getEnv();
                Function<String, SecretKeySelector> secretOf = name ->
                        env.stream().filter(e -> e.getName().equals(name)).findFirst()
                                .orElseThrow(() -> new AssertionError(overlay + ": " + service + " has no " + name))
                                .getValueFrom().getSecretKeyRef();
                assertThat(secretOf.apply("QUARKUS_DATASOURCE_USERNAME").getName())
                        .isEqualTo(secretOf.apply("QUARKUS_DATASOURCE_PASSWORD").getName())
                        .isIn(own.passwordSecret().name(), alternate.passwordSecret().name());
                assertThat(secretOf.apply("QUARKUS_DATASOURCE_USERNAME").getKey()).isEqualTo("username");
                // docs/operations.md's rotation patch names them by position.
                assertThat(env.subList(0, 2)).extracting(EnvVar::getName)
                        .containsExactly("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");
            }
        }
    }

    @Test
    void everyServicesPoolFitsItsRoleAndAllRolesFitMaxConnections() {
        for (String overlay : Manifests.OVERLAYS) {
            Manifests manifests = Manifests.of(overlay);
            CnpgCluster cluster = manifests.one(CnpgCluster.class, "reigh-db");
            long sum = 0;
            for (String service : List.of("projects-service", "tasks-service", "credits-service", "storage-service")) {
                Deployment deployment = manifests.one(Deployment.class, service);
                int replicas = Optional.ofNullable(deployment.getSpec().getReplicas())
                        .orElseGet(() -> manifests.one(HorizontalPodAutoscaler.class, service).getSpec().getMaxReplicas());
                int surge = deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
                int pool = Integer.parseInt(manifests.configMap(service + "-config").getData().get("REIGH_DB_POOL_SIZE"));
                CnpgCluster.Role role = role(manifests, RepositoryConfig.required(service, "reigh.db.user"));
                assertThat((long) (replicas + surge) * pool).as(overlay + ": " + service + " connections at most")
                        .isLessThanOrEqualTo(role.connectionLimit());
                sum += role.connectionLimit();
            }
            long maxConnections = Long.parseLong(cluster.spec().postgresql().parameters().get("max_connections"));
            // A service's two logins share its pods (one login each, or both during a switch): one limit each.
            assertThat(sum + 20).as(overlay + ": role limits + migrations, replication and monitoring <= max_connections")
                    .isLessThanOrEqualTo(maxConnections);
        }
    }

    @Test
    void prodRunsReplicatedDeploymentsSpreadOverNodes() {
        Manifests prod = prod();
        for (Deployment deployment : prod.all(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            boolean autoscaled = prod.find(HorizontalPodAutoscaler.class, name).isPresent();
            if (!autoscaled) {
                assertThat(deployment.getSpec().getReplicas()).as(name + " replicas").isGreaterThanOrEqualTo(2);
            }
            List<TopologySpreadConstraint> spread = deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
            assertThat(spread).as(name + " topology spread").isNotNull();
            TopologySpreadConstraint byNode = spread.stream()
                    .filter(c -> c.getTopologyKey().equals("kubernetes.io/hostname")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " is not spread over nodes"));
            assertThat(byNode.getWhenUnsatisfiable()).as(name).isEqualTo("DoNotSchedule");
            assertThat(byNode.getMaxSkew()).isEqualTo(1);
            assertThat(Selectors.matches(byNode.getLabelSelector(), WorkloadPolicyTest.labels(deployment)))
                    .as(name + " spreads its own pods").isTrue();
            assertThat(byNode.getMatchLabelKeys()).as(name + " counts only the current revision's pods").contains("pod-template-hash");
            assertThat(spread).as(name + " zones").anySatisfy(c -> assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
        }
    }

    // ---- prod: PostgreSQL ------------------------------------------------------------------------------

    @Test
    void prodPostgresHasThreeInstancesOnThreeNodesWithSynchronousReplication() {
        CnpgCluster.Spec spec = prod().one(CnpgCluster.class, "reigh-db").spec();
        assertThat(spec.instances()).isEqualTo(3);
        CnpgCluster.Synchronous synchronous = spec.postgresql().synchronous();
        assertThat(synchronous).as("synchronous replication").isNotNull();
        assertThat(synchronous.number()).as("standbys every commit waits for").isBetween(1, spec.instances() - 1);
        assertThat(synchronous.dataDurability()).as("writes wait rather than commit on one disk only")
                .isEqualTo(CnpgCluster.DataDurability.REQUIRED);
        assertThat(spec.postgresql().parameters().get("synchronous_commit")).isIn(null, "on", "remote_apply");
        assertThat(spec.affinity().enablePodAntiAffinity()).isTrue();
        assertThat(spec.affinity().podAntiAffinityType()).isEqualTo(CnpgCluster.PodAntiAffinityType.REQUIRED);
        assertThat(spec.affinity().topologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(spec.walStorage()).as("WAL on its own volume").isNotNull();
        assertThat(spec.resources().getRequests()).as("guaranteed QoS").isEqualTo(spec.resources().getLimits());
        // A pod is Guaranteed only if every container is: the Barman Cloud plugin's sidecar too.
        BarmanObjectStore.InstanceSidecarConfiguration sidecar = prod().one(BarmanObjectStore.class, "reigh-backups")
                .spec().instanceSidecarConfiguration();
        assertThat(sidecar).as("the backup sidecar's resources").isNotNull();
        assertThat(sidecar.resources().getLimits()).as("the backup sidecar's limits").containsKeys("cpu", "memory");
        assertThat(sidecar.resources().getRequests()).as("the backup sidecar: guaranteed QoS")
                .isEqualTo(sidecar.resources().getLimits());
    }

    @Test
    void everyOverlayArchivesWalAndTakesNightlyBaseBackups() {
        for (String overlay : Manifests.OVERLAYS) {
            Manifests manifests = Manifests.of(overlay);
            CnpgCluster cluster = manifests.one(CnpgCluster.class, "reigh-db");
            CnpgCluster.Plugin archiver = cluster.spec().plugins().stream()
                    .filter(p -> Boolean.TRUE.equals(p.isWALArchiver())).findFirst()
                    .orElseThrow(() -> new AssertionError(overlay + ": no WAL archiver"));
            assertThat(archiver.name()).isEqualTo("barman-cloud.cloudnative-pg.io");
            BarmanObjectStore store = manifests.one(BarmanObjectStore.class, archiver.parameters().get("barmanObjectName"));
            assertThat(store.spec().retentionPolicy()).matches("^[1-9][0-9]*[dwm]$");
            assertThat(store.spec().configuration().destinationPath()).startsWith("s3://");
            assertThat(store.spec().configuration().s3Credentials().accessKeyId()).isNotNull();
            assertThat(store.spec().configuration().s3Credentials().secretAccessKey()).isNotNull();
            assertThat(store.spec().configuration().wal().compression()).isNotNull();

            List<CnpgScheduledBackup> backups = manifests.all(CnpgScheduledBackup.class);
            assertThat(backups).as(overlay + ": scheduled base backups").singleElement().satisfies(backup -> {
                assertThat(backup.spec().cluster().name()).isEqualTo("reigh-db");
                assertThat(backup.spec().method()).isEqualTo(CnpgScheduledBackup.Method.PLUGIN);
                assertThat(backup.spec().pluginConfiguration().name()).isEqualTo(archiver.name());
                // CloudNativePG's schedule has six fields (seconds first), not a CronJob's five.
                assertThat(backup.spec().schedule().trim().split("\\s+")).hasSize(6);
            });
        }
    }

    @Test
    void everyOverlayRunsThePostgresMajorTheTestsRun() {
        for (String overlay : Manifests.OVERLAYS) {
            String image = Manifests.of(overlay).one(CnpgCluster.class, "reigh-db").spec().imageName();
            assertThat(image).as(overlay).matches("ghcr\\.io/cloudnative-pg/postgresql:\\d+\\.\\d+(@sha256:[0-9a-f]{64})?");
            String tag = image.substring(image.indexOf("postgresql:") + "postgresql:".length());
            int major = Integer.parseInt(tag.substring(0, tag.indexOf('.')));
            assertThat(major).as(overlay + ": " + image + " against the repository's PG_MAJOR (what the tests and ./reigh run)")
                    .isEqualTo(PostgresMajor.pinned());
        }
    }

    @Test
    void prodBacksUpOutsideTheCluster() {
        BarmanObjectStore store = prod().one(BarmanObjectStore.class, "reigh-backups");
        String endpoint = store.spec().configuration().endpointUrl();
        assertThat(endpoint == null || !endpoint.contains("minio")).as("not the in-cluster MinIO: " + endpoint).isTrue();
        assertThat(prod().configMap("minio-setup").getData().get("BACKUP_BUCKET")).as("no backup bucket in MinIO").isEmpty();
        assertThat(Long.parseLong(store.spec().retentionPolicy().replaceAll("\\D", ""))).isGreaterThanOrEqualTo(14);
    }

    // ---- prod: MinIO and monitoring -------------------------------------------------------------------

    @Test
    void prodMinioRunsDistributedOverAsManyPodsAsItNames() {
        StatefulSet minio = prod().one(StatefulSet.class, "minio");
        int replicas = minio.getSpec().getReplicas();
        assertThat(replicas).as("erasure coding needs at least four drives").isGreaterThanOrEqualTo(4);
        String endpoints = minio.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().get(1);
        assertThat(endpoints).isEqualTo("http://minio-{0..." + (replicas - 1) + "}." + minio.getSpec().getServiceName()
                + ".$(POD_NAMESPACE).svc.cluster.local/data");
        Service headless = prod().one(Service.class, minio.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(minio.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    }

    /** Losing a node loses one MinIO pod at most (one per node), which the erasure coding and the budget allow. */
    @Test
    void prodMinioSurvivesLosingANode() {
        StatefulSet minio = prod().one(StatefulSet.class, "minio");
        List<TopologySpreadConstraint> spread = minio.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
        assertThat(spread).anySatisfy(byNode -> {
            assertThat(byNode.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(byNode.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
            assertThat(byNode.getMaxSkew()).isEqualTo(1);
            assertThat(Selectors.matches(byNode.getLabelSelector(), minio.getSpec().getTemplate().getMetadata().getLabels()))
                    .as("spreads its own pods").isTrue();
        });
        assertThat(spread).anySatisfy(byZone -> assertThat(byZone.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
        PodDisruptionBudget budget = prod().one(PodDisruptionBudget.class, "minio");
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).as("one pod of four at a time").isEqualTo(1);
        assertThat(minio.getSpec().getReplicas()).isGreaterThanOrEqualTo(4);
    }

    /**
     * Prometheus scrapes the platform's pods on their management port (health and metrics live on
     * Quarkus' management interface, which no Service exposes), PostgreSQL's exporter and MinIO.
     */
    @Test
    void prodScrapesEveryServiceOnItsManagementPortAndPostgresAndMinio() {
        Manifests prod = prod();
        assertThat(prod.all(PrometheusMonitors.ServiceMonitor.class)).as("scraped through no Service").isEmpty();
        List<PrometheusMonitors.PodMonitor> pods = prod.all(PrometheusMonitors.PodMonitor.class);
        PrometheusMonitors.PodMonitor platform = pods.stream().filter(p -> p.metadata().getName().equals("reigh-services"))
                .findFirst().orElseThrow(() -> new AssertionError("no PodMonitor reigh-services"));
        assertThat(platform.spec().podMetricsEndpoints()).singleElement().satisfies(e -> {
            assertThat(e.port()).isEqualTo("management");
            assertThat(e.path()).isEqualTo("/q/metrics");
            assertThat(e.interval()).matches("\\d+[smh]");
        });
        for (String name : PLATFORM) {
            Deployment deployment = prod.one(Deployment.class, name);
            assertThat(Selectors.matches(platform.spec().selector(), deployment.getSpec().getTemplate().getMetadata().getLabels()))
                    .as(name + " is scraped").isTrue();
            assertThat(WorkloadPolicyTest.app(deployment).getPorts()).extracting(p -> p.getName()).as(name).contains("management");
        }
        assertThat(pods).anySatisfy(p -> assertThat(p.spec().selector().getMatchLabels()).containsEntry("cnpg.io/cluster", "reigh-db"));
        assertThat(pods).anySatisfy(p -> assertThat(Selectors.matches(p.spec().selector(),
                prod.one(StatefulSet.class, "minio").getSpec().getTemplate().getMetadata().getLabels())).isTrue());
    }

    private static CnpgCluster.Role role(Manifests manifests, String name) {
        return manifests.one(CnpgCluster.class, "reigh-db").spec().managed().roles().stream()
                .filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(manifests.overlay + ": no managed role " + name));
    }
}
