package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import ai.reigh.common.testing.Processes;
import ai.reigh.k8s.crd.PrometheusMonitors;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * MinIO grants no more than each party needs (issue 18's review): anonymous readers get a public
 * bucket's published objects only (owner-keyed, never staging/), storage-service's user works on
 * objects and cannot create, delete or re-policy a bucket (so no bug of it can publish the training
 * data), and the metrics need a token (the edge reaches MinIO's port for presigned URLs).
 */
class MinioLeastPrivilegeTest {
    static final List<String> OVERLAYS = Manifests.OVERLAYS;
    private static final Set<String> OBJECT_WORK = Set.of("s3:GetBucketLocation", "s3:ListBucket",
            "s3:ListBucketMultipartUploads", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts");
    private static final Pattern STORAGE_POLICY = Pattern.compile("cat > /tmp/storage-policy.json <<JSON\\n(.*?)\\nJSON",
            Pattern.DOTALL);
    private static final Pattern ACTION = Pattern.compile("\"(s3:[A-Za-z]+|admin:[A-Za-z]+|\\*)\"");
    /** The owner-keyed pattern of storage-service's own public-read policy, read from its source. */
    private static final Pattern SERVICE_PATTERN = Pattern.compile("/(\\?{8}-\\?{4}-\\?{4}-\\?{4}-\\?{12})/\\*");

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    private static String setupScript(Manifests manifests) {
        ConfigMap setup = manifests.all(ConfigMap.class).stream()
                .filter(map -> map.getMetadata().getName().startsWith("minio-setup")).findFirst().orElseThrow();
        return setup.getData().get("setup.sh");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void anonymousReadersGetPublishedObjectsOnlyAndStorageServiceWorksOnObjectsOnly(String overlay) throws IOException {
        String script = setupScript(Manifests.of(overlay));
        assertThat(script).as("a whole bucket is never made public").doesNotContain("anonymous set download")
                .doesNotContain("anonymous set public").doesNotContain("anonymous set upload");
        assertThat(script).contains("mcx anonymous set-json").contains("for bucket in $PUBLIC_BUCKETS; do");
        Matcher service = SERVICE_PATTERN.matcher(Files.readString(Processes.repositoryRoot()
                .resolve("storage-service/src/main/java/ai/reigh/storage/client/ObjectStore.java")));
        assertThat(service.find()).as("storage-service's public-read pattern").isTrue();
        assertThat(script).as("the same owner-keyed pattern as storage-service's own policy")
                .contains("arn:aws:s3:::%s/" + service.group(1) + "/*");

        Matcher policy = STORAGE_POLICY.matcher(script);
        assertThat(policy.find()).as("storage-service's user policy").isTrue();
        Set<String> actions = new TreeSet<>();
        Matcher action = ACTION.matcher(policy.group(1));
        while (action.find()) {
            actions.add(action.group(1));
        }
        assertThat(actions).isNotEmpty().isSubsetOf(OBJECT_WORK)
                .doesNotContain("s3:PutBucketPolicy", "s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void minioMetricsNeedAToken(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        StatefulSet minio = manifests.one(StatefulSet.class, "minio");
        List<EnvVar> env = minio.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertThat(env).filteredOn(variable -> variable.getName().equals("MINIO_PROMETHEUS_AUTH_TYPE"))
                .singleElement().satisfies(variable -> assertThat(variable.getValue()).isEqualTo("jwt"));
        manifests.all(PrometheusMonitors.PodMonitor.class).stream()
                .filter(monitor -> monitor.metadata().getName().equals("minio"))
                .forEach(monitor -> assertThat(monitor.spec().podMetricsEndpoints()).allSatisfy(endpoint -> {
                    assertThat(endpoint.authorization().type()).isEqualTo("Bearer");
                    assertThat(endpoint.authorization().credentials().getName()).isEqualTo("reigh-minio-prometheus");
                }));
    }

    /** Production keeps the previous version of every replaced or deleted object (not staging's), for a while. */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void productionKeepsPreviousVersionsOfEveryObjectButStaging(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        ConfigMap setup = manifests.all(ConfigMap.class).stream()
                .filter(map -> map.getMetadata().getName().startsWith("minio-setup")).findFirst().orElseThrow();
        assertThat(setup.getData().get("VERSIONING")).isEqualTo(overlay.equals("prod") ? "on" : "off");
        assertThat(Integer.parseInt(setup.getData().get("NONCURRENT_DAYS"))).isBetween(7, 365);
        String script = setupScript(manifests);
        assertThat(script).contains("for bucket in $PUBLIC_BUCKETS $PRIVATE_BUCKETS; do\n    mcx version enable --excluded-prefixes \"staging/\"")
                .contains("mcx ilm rule add --noncurrent-expire-days \"$NONCURRENT_DAYS\"")
                .contains("mcx replicate add \"store/$bucket\" --remote-bucket \"${REPLICA_URL%/}/$bucket\"");
        // The replica's credentials come from an optional Secret, never from the repository.
        io.fabric8.kubernetes.api.model.batch.v1.Job job = manifests.one(io.fabric8.kubernetes.api.model.batch.v1.Job.class,
                "minio-setup");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .filteredOn(variable -> variable.getName().equals("REPLICA_URL")).singleElement().satisfies(variable -> {
                    assertThat(variable.getValueFrom().getSecretKeyRef().getName()).isEqualTo("reigh-object-replica");
                    assertThat(variable.getValueFrom().getSecretKeyRef().getOptional()).isTrue();
                });
    }
}
