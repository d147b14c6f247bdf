package ai.reigh.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.testing.Processes;
import ai.reigh.k8s.crd.BarmanObjectStore;
import ai.reigh.k8s.crd.CnpgCluster;
import ai.reigh.k8s.crd.CnpgScheduledBackup;
import ai.reigh.k8s.crd.KedaScaledObject;
import ai.reigh.k8s.crd.PrometheusMonitors;
import ai.reigh.k8s.schema.ApiSchemas;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * One overlay of k8s/ rendered by {@code kubectl kustomize} and read strictly: every document must fit
 * the real schema of its kind pinned in k8s-tests/schemas ({@link #SCHEMAS}), and be of a kind listed in
 * {@link #KINDS} (the typed model the policy tests read) and fit that exactly.
 * Rendered once per overlay and test run.
 */
final class Manifests {
    static final List<String> OVERLAYS = List.of("dev", "prod");

    /** apiVersion/kind → typed model. A kind that is not here cannot be in k8s/ unchecked. */
    static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("gateway.networking.k8s.io/v1/Gateway", Gateway.class),
            Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
            Map.entry("postgresql.cnpg.io/v1/Cluster", CnpgCluster.class),
            Map.entry("postgresql.cnpg.io/v1/ScheduledBackup", CnpgScheduledBackup.class),
            Map.entry("barmancloud.cnpg.io/v1/ObjectStore", BarmanObjectStore.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", PrometheusMonitors.ServiceMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", PrometheusMonitors.PodMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusMonitors.PrometheusRule.class),
            Map.entry("keda.sh/v1alpha1/ScaledObject", KedaScaledObject.class));

    /** The real schemas (k8s-tests/schemas): every document must fit its kind's, as well as its typed model. */
    static final ApiSchemas SCHEMAS = ApiSchemas.load(Processes.repositoryRoot().resolve("k8s-tests").resolve("schemas"));

    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    final String overlay;
    final List<Document> documents;

    private Manifests(String overlay, List<Document> documents) {
        this.overlay = overlay;
        this.documents = documents;
    }

    /** A rendered document: its tree as kubectl printed it and the typed value read from it. */
    record Document(String apiVersion, String kind, String name, JsonNode tree, Object typed) {
    }

    static Path k8sDirectory() {
        return Processes.repositoryRoot().resolve("k8s");
    }

    /** The overlay rendered and read strictly (cached); fails with kubectl's or the parser's message. */
    static Manifests of(String overlay) {
        return RENDERED.computeIfAbsent(overlay, Manifests::render);
    }

    private static Manifests render(String overlay) {
        Path kubectl = Kubectl.find().orElseThrow(() -> new IllegalStateException(Kubectl.absentMessage()));
        String yaml = Kubectl.kustomize(kubectl, k8sDirectory().resolve("overlays").resolve(overlay));
        return read(overlay, yaml);
    }

    /** A kustomization outside the overlays (the restore component on top of one), rendered and read strictly. */
    static Manifests ofDirectory(String label, Path kustomization) {
        Path kubectl = Kubectl.find().orElseThrow(() -> new IllegalStateException(Kubectl.absentMessage()));
        return read(label, Kubectl.kustomize(kubectl, kustomization));
    }

    /** Reads a YAML stream strictly (also used on hand-made input by the parser's own tests). */
    static Manifests read(String overlay, String yaml) {
        List<Document> documents = new ArrayList<>();
        for (JsonNode tree : StrictYaml.documents(yaml)) {
            String apiVersion = tree.path("apiVersion").asText("");
            String kind = tree.path("kind").asText("");
            Class<?> type = KINDS.get(apiVersion + "/" + kind);
            if (type == null) {
                throw new IllegalArgumentException(StrictYaml.describe(tree) + ": " + apiVersion + "/" + kind
                        + " has no typed model here; add one to Manifests.KINDS before using it in k8s/");
            }
            List<String> violations = SCHEMAS.violations(tree);
            if (!violations.isEmpty()) {
                throw new IllegalArgumentException(StrictYaml.describe(tree) + " does not fit the pinned schema of "
                        + apiVersion + "/" + kind + ": " + String.join("; ", violations));
            }
            Object typed = StrictYaml.typed(tree, type);
            documents.add(new Document(apiVersion, kind, tree.path("metadata").path("name").asText(), tree, typed));
        }
        return new Manifests(overlay, documents);
    }

    /** The release's migration Job: named reigh-migrate-<release>, found by its label. */
    Job migrationJob() {
        List<Job> jobs = all(Job.class).stream().filter(job -> "reigh-migrate".equals(
                job.getMetadata().getLabels().get("app.kubernetes.io/name"))).toList();
        if (jobs.size() != 1) {
            throw new AssertionError(overlay + ": " + jobs.size() + " migration Jobs");
        }
        return jobs.get(0);
    }

    <T> List<T> all(Class<T> type) {
        return documents.stream().map(Document::typed).filter(type::isInstance).map(type::cast).toList();
    }

    <T> Optional<T> find(Class<T> type, String name) {
        return documents.stream().filter(d -> type.isInstance(d.typed()) && d.name().equals(name))
                .map(d -> type.cast(d.typed())).findFirst();
    }

    <T> T one(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                overlay + ": no " + type.getSimpleName() + " named " + name));
    }

    /** A ConfigMap by the name it has in k8s/ (kustomize appends a content hash: name-<hash>). */
    ConfigMap configMap(String generatedName) {
        List<ConfigMap> matches = all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().matches(java.util.regex.Pattern.quote(generatedName) + "-[a-z0-9]{10}"))
                .toList();
        if (matches.size() != 1) {
            throw new AssertionError(overlay + ": expected one ConfigMap generated as " + generatedName + ", found "
                    + matches.stream().map(c -> c.getMetadata().getName()).toList());
        }
        return matches.get(0);
    }

    /** Every workload's pod template by "Kind/name": Deployments, StatefulSets and Jobs. */
    Map<String, Workload> workloads() {
        Map<String, Workload> workloads = new LinkedHashMap<>();
        add(workloads, Deployment.class, d -> d.getSpec().getTemplate());
        add(workloads, StatefulSet.class, s -> s.getSpec().getTemplate());
        add(workloads, Job.class, j -> j.getSpec().getTemplate());
        return workloads;
    }

    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> void add(Map<String, Workload> workloads,
            Class<T> type, Function<T, PodTemplateSpec> template) {
        for (T workload : all(type)) {
            String name = workload.getMetadata().getName();
            workloads.put(type.getSimpleName() + "/" + name, new Workload(type.getSimpleName(), name, template.apply(workload)));
        }
    }

    /** A workload's pod template. */
    record Workload(String kind, String name, PodTemplateSpec template) {
        Map<String, String> labels() {
            return template.getMetadata().getLabels();
        }

        boolean longRunning() {
            return !"Job".equals(kind);
        }
    }
}
