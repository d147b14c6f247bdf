package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import ai.reigh.k8s.crd.CnpgCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * The settings in the manifests against what they point at: service URLs at rendered Services and
 * the ports the services listen on, the database settings at the CloudNativePG cluster and its roles
 * (which must be the roles each service's own application.properties names), the schema owner only
 * in the migration Job, and MinIO's buckets against storage-service's configuration.
 */
class ConfigurationTest {
    static final java.util.List<String> OVERLAYS = Manifests.OVERLAYS;
    private static final Map<String, String> DATABASE_SERVICES = Map.of(
            "projects-service", "PROJECTS", "tasks-service", "TASKS", "credits-service", "CREDITS", "storage-service", "STORAGE");

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void serviceUrlsPointAtRenderedServicesOnThePortsTheServicesListenOn(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, String> platform = manifests.configMap("reigh-platform").getData();
        for (Map.Entry<String, String> service : DATABASE_SERVICES.entrySet()) {
            URI url = URI.create(platform.get("REIGH_SERVICES_" + service.getValue() + "_URL"));
            Service target = manifests.one(Service.class, url.getHost());
            assertThat(target.getSpec().getPorts()).as(overlay + ": " + url).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(url.getPort()));
            assertThat(url.getHost()).isEqualTo(service.getKey());
        }
        for (String name : WorkloadPolicyTest.PLATFORM) {
            Container app = WorkloadPolicyTest.app(manifests.one(Deployment.class, name));
            String port = Environment.of(manifests, app).get("QUARKUS_HTTP_PORT").literal();
            assertThat(app.getPorts()).as(overlay + ": " + name + " declares the port it listens on")
                    .anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(port)));
            // The same port the application listens on by itself (its application.properties).
            assertThat(port).as(name).isEqualTo(RepositoryConfig.required(name, "quarkus.http.port"));
        }
    }

    /**
     * Each application secret reaches its one service, and nothing else, from its Secret, under the
     * variable of the property the service reads; optionally, so a missing Secret stops only the routes
     * that need it (503) and never the service: Stripe's webhook signing secret and API key
     * (credits-service), the key encrypting users' provider API keys and its predecessors during a
     * rotation (projects-service). And no manifest lets credits-service accept the public development
     * webhook secret.
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void eachApplicationSecretComesFromItsSecretToItsServiceOnly(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        assertOptionalSecretOnlyIn(manifests, overlay, "reigh.credits.stripe.webhook-secret", "credits-service",
                "reigh-stripe-webhook", "webhook-secret");
        assertOptionalSecretOnlyIn(manifests, overlay, "reigh.credits.stripe.secret-key", "credits-service",
                "reigh-stripe-api", "secret-key");
        assertOptionalSecretOnlyIn(manifests, overlay, "reigh.projects.api-keys.encryption-key", "projects-service",
                "reigh-api-keys-encryption", "key");
        assertOptionalSecretOnlyIn(manifests, overlay, "reigh.projects.api-keys.previous-encryption-keys",
                "projects-service", "reigh-api-keys-encryption", "previous-keys");
        String allowDev = ai.reigh.common.testing.ServiceProcess.environmentName("reigh.credits.stripe.allow-dev-secret");
        forEachContainer(manifests, (where, environment) ->
                assertThat(environment).as(overlay + ": " + where + " never allows the public development secret")
                        .doesNotContainKey(allowDev));
    }

    private static void assertOptionalSecretOnlyIn(Manifests manifests, String overlay, String property, String service,
            String secretName, String key) {
        String variable = ai.reigh.common.testing.ServiceProcess.environmentName(property);
        Container app = WorkloadPolicyTest.app(manifests.one(Deployment.class, service));
        Environment.Value secret = Environment.of(manifests, app).get(variable);
        assertThat(secret).as(overlay + ": " + service + " gets " + variable).isNotNull();
        assertThat(secret.secretName()).as(variable).isEqualTo(secretName);
        assertThat(secret.secretKey()).as(variable).isEqualTo(key);
        assertThat(app.getEnv()).filteredOn(e -> e.getName().equals(variable)).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getOptional())
                        .as(variable + " optional: without it only the routes that need it stop").isTrue());
        String owner = service + "/" + app.getName();
        forEachContainer(manifests, (where, environment) -> {
            if (!where.equals(owner)) {
                assertThat(environment).as(overlay + ": " + where + " has no business with " + variable)
                        .doesNotContainKey(variable);
            }
        });
    }

    /** Every container of every workload (init containers too), named workload/container, with its environment. */
    private static void forEachContainer(Manifests manifests,
            java.util.function.BiConsumer<String, Map<String, Environment.Value>> check) {
        for (Manifests.Workload workload : manifests.workloads().values()) {
            var spec = workload.template().getSpec();
            var all = new java.util.ArrayList<Container>(spec.getContainers());
            if (spec.getInitContainers() != null) {
                all.addAll(spec.getInitContainers());
            }
            for (Container container : all) {
                check.accept(workload.name() + "/" + container.getName(), Environment.of(manifests, container));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theDatabaseSettingsPointAtTheCloudNativePgCluster(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, String> platform = manifests.configMap("reigh-platform").getData();
        CnpgCluster cluster = manifests.one(CnpgCluster.class, "reigh-db");
        assertThat(platform.get("REIGH_DB_HOST")).as("the read-write service CloudNativePG creates")
                .isEqualTo(cluster.metadata().getName() + "-rw");
        assertThat(platform.get("REIGH_DB_PORT")).isEqualTo("5432");
        assertThat(platform.get("REIGH_DB_NAME")).isEqualTo(cluster.spec().bootstrap().initdb().database());
        assertThat(cluster.spec().bootstrap().initdb().owner()).as("the owner the migrations expect")
                .isEqualTo(RepositoryConfig.required("projects-service", "reigh.db.migration-user"));
    }

    /**
     * Each service connects as the role its own application.properties names, with the user and password
     * of the Secret that CloudNativePG sets on exactly that role; the schema gate uses the same role.
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void eachServiceUsesItsOwnRolesSecretAndNeverTheOwners(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        CnpgCluster cluster = manifests.one(CnpgCluster.class, "reigh-db");
        String ownerSecret = cluster.spec().bootstrap().initdb().secret().name();
        Map<String, String> secretByRole = cluster.spec().managed().roles().stream()
                .collect(Collectors.toMap(CnpgCluster.Role::name, r -> r.passwordSecret().name()));
        assertThat(new TreeSet<>(secretByRole.keySet())).as("managed roles: two logins per service")
                .isEqualTo(DATABASE_SERVICES.keySet().stream().map(s -> RepositoryConfig.required(s, "reigh.db.user"))
                        .flatMap(role -> java.util.stream.Stream.of(role, role + "_alt"))
                        .collect(Collectors.toCollection(TreeSet::new)));

        for (String service : DATABASE_SERVICES.keySet()) {
            String role = RepositoryConfig.required(service, "reigh.db.user");
            Deployment deployment = manifests.one(Deployment.class, service);
            var app = Environment.of(manifests, WorkloadPolicyTest.app(deployment));
            assertThat(app.get("QUARKUS_DATASOURCE_PASSWORD").secretName()).as(overlay + ": " + service)
                    .isEqualTo(secretByRole.get(role));
            assertThat(app.get("QUARKUS_DATASOURCE_USERNAME").secretName()).isEqualTo(secretByRole.get(role));
            assertThat(app.get("REIGH_DB_MIGRATE_AT_START").literal()).as(service + " never migrates").isEqualTo("false");
            assertThat(app).as(service + " holds no migration credentials").doesNotContainKey("REIGH_DB_MIGRATION_PASSWORD");
            assertThat(app.values()).as(service + " never sees the owner's Secret")
                    .noneSatisfy(v -> assertThat(v.secretName()).isEqualTo(ownerSecret));

            Container gate = deployment.getSpec().getTemplate().getSpec().getInitContainers().stream()
                    .filter(c -> c.getName().equals("schema-gate")).findFirst().orElseThrow();
            var gateEnv = Environment.of(manifests, gate);
            assertThat(gateEnv.get("REIGH_DB_MIGRATION_PASSWORD").secretName()).as(service + " schema gate")
                    .isEqualTo(secretByRole.get(role));
            assertThat(gateEnv.get("REIGH_DB_MIGRATION_USER").secretName()).isEqualTo(secretByRole.get(role));
            assertThat(gateEnv.get("REIGH_DB_MIGRATE_AT_START").literal()).isEqualTo("false");
            assertThat(gateEnv.get("QUARKUS_INIT_AND_EXIT").literal()).isEqualTo("true");
            assertThat(gateEnv.get("QUARKUS_FLYWAY__MIGRATIONS__VALIDATE_AT_START").literal()).isEqualTo("true");
            assertThat(gateEnv.get("QUARKUS_FLYWAY__MIGRATIONS__IGNORE_MIGRATION_PATTERNS").literal())
                    .as(service + ": the gate may tolerate a schema ahead of it, never one behind")
                    .doesNotContain("pending").doesNotContain("failed").doesNotContain("*:*");
            assertThat(gate.getImage()).as(service + ": the gate checks the migrations of the image it guards")
                    .isEqualTo(WorkloadPolicyTest.app(deployment).getImage());
        }
    }

    /**
     * Upgrading is one apply: the migration Job is named after the release (a new release, a new Job;
     * the same release, the same finished Job, never re-created by a TTL), and a new pod's schema gate
     * waits minutes, not a quarter of an hour, before it fails and the kubelet retries it.
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theMigrationJobIsNamedAfterItsReleaseAndTheSchemaGateWaitsBriefly(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Job job = manifests.migrationJob();
        String image = job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage();
        String release = image.substring(image.lastIndexOf(':') + 1);
        assertThat(job.getMetadata().getName()).isEqualTo("reigh-migrate-" + release);
        assertThat(job.getMetadata().getLabels()).containsEntry("app.kubernetes.io/version", release);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).as("a TTL would make the next apply re-create it").isNull();
        java.util.regex.Pattern attempts = java.util.regex.Pattern.compile("-le (\\d+) \\]; do");
        for (String service : List.of("projects-service", "tasks-service", "credits-service", "storage-service")) {
            Deployment deployment = manifests.one(Deployment.class, service);
            assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .as(service + " is of the release the Job migrates to").endsWith(":" + release);
            Container gate = deployment.getSpec().getTemplate().getSpec().getInitContainers().stream()
                    .filter(c -> c.getName().equals("schema-gate")).findFirst().orElseThrow();
            var found = attempts.matcher(String.join("\n", gate.getArgs()));
            assertThat(found.find()).as(service + "'s gate loop").isTrue();
            assertThat(Integer.parseInt(found.group(1)) * 5).as(service + "'s gate waits (s)").isBetween(30, 180);
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void onlyTheMigrationJobHoldsTheOwnersCredentials(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        String ownerSecret = manifests.one(CnpgCluster.class, "reigh-db").spec().bootstrap().initdb().secret().name();
        Job job = manifests.migrationJob();
        Container migrate = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        var env = Environment.of(manifests, migrate);
        assertThat(env.get("QUARKUS_INIT_AND_EXIT").literal()).isEqualTo("true");
        assertThat(env.get("REIGH_DB_MIGRATE_AT_START").literal()).isEqualTo("true");
        assertThat(env.get("REIGH_DB_MIGRATION_PASSWORD").secretName()).isEqualTo(ownerSecret);
        assertThat(env.get("REIGH_DB_MIGRATION_USER").secretName()).isEqualTo(ownerSecret);
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isIn("OnFailure", "Never");
        assertThat(job.getSpec().getBackoffLimit()).isBetween(1, 10);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).as("bounded").isNotNull();

        for (Manifests.Workload workload : manifests.workloads().values()) {
            if (workload.name().equals(job.getMetadata().getName())) {
                continue;
            }
            var containers = new java.util.ArrayList<>(workload.template().getSpec().getContainers());
            if (workload.template().getSpec().getInitContainers() != null) {
                containers.addAll(workload.template().getSpec().getInitContainers());
            }
            for (Container container : containers) {
                assertThat(Environment.of(manifests, container).values()).as(overlay + ": " + workload.name() + "/" + container.getName())
                        .noneSatisfy(v -> assertThat(v.secretName()).isEqualTo(ownerSecret));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void storageServiceReachesMinioInsideAndPublishesTheEdgesHosts(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, String> storage = manifests.configMap("storage-service-config").getData();
        URI endpoint = URI.create(storage.get("REIGH_S3_ENDPOINT"));
        Service minio = manifests.one(Service.class, endpoint.getHost());
        assertThat(minio.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(endpoint.getPort()));
        var env = Environment.of(manifests, WorkloadPolicyTest.app(manifests.one(Deployment.class, "storage-service")));
        assertThat(env.get("REIGH_S3_ACCESS_KEY").secretName()).isEqualTo("reigh-s3-storage");
        assertThat(env.get("REIGH_S3_SECRET_KEY").secretName()).isEqualTo("reigh-s3-storage");
        // The setup Job creates storage-service's MinIO user from the very same Secret keys.
        Container setup = manifests.one(Job.class, "minio-setup").getSpec().getTemplate().getSpec().getContainers().get(0);
        var setupEnv = Environment.of(manifests, setup);
        assertThat(setupEnv.get("STORAGE_ACCESS_KEY")).extracting(Environment.Value::secretName, Environment.Value::secretKey)
                .containsExactly(env.get("REIGH_S3_ACCESS_KEY").secretName(), env.get("REIGH_S3_ACCESS_KEY").secretKey());
        assertThat(setupEnv.get("STORAGE_SECRET_KEY")).extracting(Environment.Value::secretName, Environment.Value::secretKey)
                .containsExactly(env.get("REIGH_S3_SECRET_KEY").secretName(), env.get("REIGH_S3_SECRET_KEY").secretKey());
        assertThat(URI.create(setupEnv.get("MINIO_URL").literal())).isEqualTo(endpoint);
    }

    /**
     * MinIO's setup creates the S3 buckets storage-service is configured with, public-read exactly where
     * storage-service's bucket is public (training-data never).
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void minioCreatesTheBucketsStorageServiceUses(String overlay) {
        Map<String, String> setup = Manifests.of(overlay).configMap("minio-setup").getData();
        Set<String> publicBuckets = words(setup.get("PUBLIC_BUCKETS"));
        Set<String> privateBuckets = words(setup.get("PRIVATE_BUCKETS"));

        Map<String, Boolean> configured = storageBuckets();
        assertThat(configured).as("storage-service's buckets (application.properties)").isNotEmpty();
        Map<String, Boolean> declared = new TreeMap<>();
        publicBuckets.forEach(b -> declared.put(b, true));
        privateBuckets.forEach(b -> declared.put(b, false));
        assertThat(declared).as(overlay + ": MinIO buckets and their public read").isEqualTo(configured);
    }

    /** S3 bucket → public read, from reigh.storage.buckets.<logical>.physical-name / public-read. */
    static Map<String, Boolean> storageBuckets() {
        Properties properties = RepositoryConfig.applicationProperties("storage-service");
        Map<String, Boolean> buckets = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("reigh.storage.buckets.") && key.endsWith(".physical-name")) {
                String prefix = key.substring(0, key.length() - ".physical-name".length());
                buckets.put(properties.getProperty(key).trim(),
                        Boolean.parseBoolean(properties.getProperty(prefix + ".public-read", "false").trim()));
            }
        }
        return buckets;
    }

    private static Set<String> words(String value) {
        return Arrays.stream(value == null ? new String[0] : value.trim().split("\\s+")).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
