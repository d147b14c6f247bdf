package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;

/**
 * The edge (Ingress in dev, Gateway API in prod): the API host reaches the gateway only under /v1 and
 * /storage/v1, so /internal/** and the management endpoints (/q/*) never leave the cluster even if a
 * gateway bug routed them; the objects host reaches MinIO for presigned URLs; TLS everywhere by
 * cert-manager's annotation; and the public URLs the services hand out are these hosts.
 */
class EdgeTest {
    static final List<String> OVERLAYS = Manifests.OVERLAYS;
    private static final String CERT_MANAGER_ANNOTATION = "cert-manager.io/cluster-issuer";

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    /** One way in: a host and a path prefix to a Service's port. */
    record Route(String via, String host, String prefix, String service, int port) {
        boolean matches(String requestHost, String path) {
            return host.equals(requestHost) && prefixMatches(prefix, path);
        }
    }

    /** Prefix matching by path elements, as both Ingress (Prefix) and HTTPRoute (PathPrefix) define it. */
    static boolean prefixMatches(String prefix, String path) {
        if (prefix.equals("/")) {
            return true;
        }
        List<String> wanted = Arrays.stream(prefix.split("/")).filter(s -> !s.isEmpty()).toList();
        List<String> given = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        return given.size() >= wanted.size() && given.subList(0, wanted.size()).equals(wanted);
    }

    static List<Route> routes(Manifests manifests) {
        List<Route> routes = new ArrayList<>();
        for (Ingress ingress : manifests.all(Ingress.class)) {
            for (IngressRule rule : ingress.getSpec().getRules()) {
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    assertThat(path.getPathType()).as("Ingress " + ingress.getMetadata().getName()).isEqualTo("Prefix");
                    var backend = path.getBackend().getService();
                    routes.add(new Route("Ingress " + ingress.getMetadata().getName(), rule.getHost(), path.getPath(),
                            backend.getName(), servicePort(manifests, backend.getName(), backend.getPort().getName(),
                                    backend.getPort().getNumber())));
                }
            }
        }
        for (HTTPRoute route : manifests.all(HTTPRoute.class)) {
            for (HTTPRouteRule rule : route.getSpec().getRules()) {
                assertThat(rule.getBackendRefs()).as("HTTPRoute " + route.getMetadata().getName()).hasSize(1);
                var backend = rule.getBackendRefs().get(0);
                int port = servicePort(manifests, backend.getName(), null, backend.getPort());
                for (HTTPRouteMatch match : rule.getMatches()) {
                    assertThat(match.getPath().getType()).isEqualTo("PathPrefix");
                    assertThat(match.getHeaders()).isNullOrEmpty();
                    for (String host : route.getSpec().getHostnames()) {
                        routes.add(new Route("HTTPRoute " + route.getMetadata().getName(), host, match.getPath().getValue(),
                                backend.getName(), port));
                    }
                }
            }
        }
        return routes;
    }

    private static int servicePort(Manifests manifests, String service, String portName, Integer portNumber) {
        Service target = manifests.find(Service.class, service)
                .orElseThrow(() -> new AssertionError(manifests.overlay + ": the edge routes to a missing Service " + service));
        return target.getSpec().getPorts().stream()
                .filter(p -> portName != null ? portName.equals(p.getName()) : p.getPort().equals(portNumber))
                .map(p -> p.getPort()).findFirst()
                .orElseThrow(() -> new AssertionError(manifests.overlay + ": Service " + service + " has no port "
                        + (portName != null ? portName : portNumber)));
    }

    private static Optional<Route> routeFor(List<Route> routes, String host, String path) {
        List<Route> matching = routes.stream().filter(r -> r.matches(host, path)).toList();
        // Longest prefix wins, as in both APIs.
        return matching.stream().max((a, b) -> Integer.compare(a.prefix().length(), b.prefix().length()));
    }

    private static String configValue(Manifests manifests, String configMap, String key) {
        String value = manifests.configMap(configMap).getData().get(key);
        assertThat(value).as(manifests.overlay + ": " + configMap + " " + key).isNotBlank();
        return value;
    }

    private static String apiHost(Manifests manifests) {
        return URI.create(configValue(manifests, "storage-service-config", "REIGH_STORAGE_PUBLIC_BASE_URL")).getHost();
    }

    private static String objectsHost(Manifests manifests) {
        return URI.create(configValue(manifests, "storage-service-config", "REIGH_S3_PUBLIC_ENDPOINT")).getHost();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theApiHostReachesTheGatewayOnlyUnderItsPublicPrefixes(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<Route> routes = routes(manifests);
        String api = apiHost(manifests);

        List<Route> apiRoutes = routes.stream().filter(r -> r.host().equals(api)).toList();
        assertThat(apiRoutes).as(overlay + ": routes of " + api).isNotEmpty();
        assertThat(apiRoutes).allSatisfy(r -> assertThat(r.service() + ":" + r.port()).as(r.via())
                .isIn("gateway:8080", "tasks-service:8082"));
        assertThat(apiRoutes.stream().map(Route::prefix).collect(Collectors.toSet()))
                .as(overlay + ": path prefixes of the API host").isEqualTo(Set.of("/v1", "/storage/v1", "/v1/workers",
                        "/v1/workers/uploads", "/functions/v1", "/rest/v1/rpc/func_worker_heartbeat_with_logs"));

        for (String path : List.of("/v1/me", "/v1/events", "/v1/tasks", "/v1/workersx", "/v1/workers/uploads",
                "/v1/workers/uploads/abc", "/storage/v1/object/public/public/a.png",
                "/storage/v1/object/public/image_uploads/a.png")) {
            assertThat(routeFor(routes, api, path)).as(overlay + ": " + path).map(Route::service).contains("gateway");
        }
        // Workers call tasks-service straight (no gateway hop on the hot path): its worker routes and the
        // deployed fleet's, and nothing else of it.
        for (String path : List.of("/v1/workers/claim", "/v1/workers/heartbeat", "/v1/workers/tasks/x/complete",
                "/functions/v1/claim-next-task", "/rest/v1/rpc/func_worker_heartbeat_with_logs")) {
            assertThat(routeFor(routes, api, path)).as(overlay + ": " + path).map(Route::service).contains("tasks-service");
        }
        for (String path : List.of("/internal/v1/generations", "/internal/v1/charges", "/q/metrics", "/q/health/ready",
                "/q/swagger-ui", "/v1x", "/", "/rest/v1/tasks", "/rest/v1/rpc/claim_next_task", "/functions/v2/x",
                "/functions")) {
            assertThat(routeFor(routes, api, path)).as(overlay + ": " + path + " must not be routed in").isEmpty();
        }
    }

    /**
     * Health and metrics (the management port) are out of the edge's reach by construction: no Service
     * exposes a management port, so no Ingress or HTTPRoute can name one, and every route the edge has
     * ends on a container's service port ("http").
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theEdgeCannotReachAManagementPort(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (String name : WorkloadPolicyTest.PLATFORM) {
            var app = WorkloadPolicyTest.app(manifests.one(io.fabric8.kubernetes.api.model.apps.Deployment.class, name));
            int management = app.getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " has no management port")).getContainerPort();
            for (Service service : manifests.all(Service.class)) {
                assertThat(service.getSpec().getPorts()).as(overlay + ": Service " + service.getMetadata().getName())
                        .allSatisfy(p -> {
                            assertThat(p.getTargetPort().getStrVal()).isNotEqualTo("management");
                            assertThat(p.getTargetPort().getIntVal()).isNotEqualTo(Integer.valueOf(management));
                        });
            }
        }
        for (Route route : routes(manifests)) {
            if (route.service().equals("minio")) {
                continue;
            }
            Service service = manifests.one(Service.class, route.service());
            assertThat(service.getSpec().getPorts()).as(route.via()).filteredOn(p -> p.getPort() == route.port())
                    .singleElement().satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theObjectsHostReachesMinioOnlyUnderThePlatformsBuckets(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<Route> routes = routes(manifests);
        String objects = objectsHost(manifests);
        Set<String> buckets = RepositoryConfig.applicationProperties("storage-service").stringPropertyNames().stream()
                .filter(key -> key.matches("reigh\\.storage\\.buckets\\.[^.]+\\.physical-name"))
                .map(key -> RepositoryConfig.required("storage-service", key)).collect(Collectors.toSet());
        assertThat(buckets).as("storage-service's buckets").contains("reigh-public", "reigh-training-data");
        assertThat(routes.stream().filter(r -> r.host().equals(objects)).map(Route::prefix).collect(Collectors.toSet()))
                .as(overlay + ": path prefixes of the objects host: the buckets, nothing else")
                .isEqualTo(buckets.stream().map(bucket -> "/" + bucket).collect(Collectors.toSet()));
        assertThat(routeFor(routes, objects, "/reigh-public/00000000-0000-4000-8000-00000000a11c/tasks/x.png"))
                .as(overlay + ": presigned object URLs").map(Route::service).contains("minio");
        assertThat(routeFor(routes, objects, "/reigh-public/staging/00000000-0000-4000-8000-00000000a11c/x"))
                .as(overlay + ": presigned uploads to staging keys").map(Route::service).contains("minio");
        for (String inside : List.of("/", "/minio/admin/v3/info", "/minio/v2/metrics/cluster", "/minio/health/live",
                "/reigh-publicx/a", "/other-bucket/a")) {
            assertThat(routeFor(routes, objects, inside)).as(overlay + ": " + inside + " must not be routed in").isEmpty();
        }
        assertThat(routes.stream().filter(r -> r.service().equals("minio")).map(Route::host).collect(Collectors.toSet()))
                .as(overlay + ": MinIO is reachable through the objects host only").isEqualTo(Set.of(objects));
        assertThat(objects).as(overlay).isNotEqualTo(apiHost(manifests));
    }

    /**
     * HTTPRoute {@code timeouts} is in Gateway API's standard channel from v1.2: where a route sets it, the
     * deployment guide must require at least those CRDs (older ones drop or refuse the field, silently
     * giving streams the implementation's default timeout).
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void routesWithTimeoutsRequireGatewayApiOneTwo(String overlay) throws java.io.IOException {
        boolean timeouts = Manifests.of(overlay).all(HTTPRoute.class).stream()
                .flatMap(route -> route.getSpec().getRules().stream()).anyMatch(rule -> rule.getTimeouts() != null);
        if (timeouts) {
            String guide = java.nio.file.Files.readString(ai.reigh.common.testing.Processes.repositoryRoot()
                    .resolve("docs/deploy.md"));
            assertThat(guide).as(overlay + ": docs/deploy.md's prerequisites").contains("Gateway API implementation (v1.2+ CRDs");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyEdgeHostHasTlsFromCertManager(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (Ingress ingress : manifests.all(Ingress.class)) {
            String name = ingress.getMetadata().getName();
            assertThat(ingress.getMetadata().getAnnotations()).as("Ingress " + name).containsKey(CERT_MANAGER_ANNOTATION);
            assertThat(ingress.getMetadata().getAnnotations().get(CERT_MANAGER_ANNOTATION)).isNotBlank();
            Set<String> tlsHosts = ingress.getSpec().getTls().stream().flatMap(t -> t.getHosts().stream()).collect(Collectors.toSet());
            assertThat(ingress.getSpec().getRules()).allSatisfy(r -> assertThat(tlsHosts).as("Ingress " + name + " TLS hosts")
                    .contains(r.getHost()));
            assertThat(ingress.getSpec().getTls()).extracting(IngressTLS::getSecretName).doesNotContainNull();
        }
        for (Gateway gateway : manifests.all(Gateway.class)) {
            String name = gateway.getMetadata().getName();
            assertThat(gateway.getMetadata().getAnnotations()).as("Gateway " + name).containsKey(CERT_MANAGER_ANNOTATION);
            assertThat(gateway.getSpec().getListeners()).allSatisfy(listener -> {
                assertThat(listener.getProtocol()).as(name + " " + listener.getName()).isEqualTo("HTTPS");
                assertThat(listener.getHostname()).as(name + " " + listener.getName() + " hostname (cert-manager needs one)").isNotBlank();
                assertThat(listener.getTls().getMode()).isEqualTo("Terminate");
                assertThat(listener.getTls().getCertificateRefs()).hasSize(1);
            });
        }
        assertThat(manifests.all(Ingress.class).size() + manifests.all(HTTPRoute.class).size())
                .as(overlay + ": an edge exists").isPositive();
    }

    /** ingress-nginx is retired upstream: every overlay's edge is the Gateway API's, dev's included. */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyOverlaysEdgeIsTheGatewayApiNeverAnIngress(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        assertThat(manifests.all(Ingress.class)).as(overlay).isEmpty();
        assertThat(manifests.all(Gateway.class)).as(overlay).isNotEmpty();
        assertThat(manifests.all(HTTPRoute.class)).as(overlay).isNotEmpty();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyHttpRouteAttachesToAListenerOfARenderedGatewayForItsHost(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (HTTPRoute route : manifests.all(HTTPRoute.class)) {
            for (ParentReference parent : route.getSpec().getParentRefs()) {
                Gateway gateway = manifests.one(Gateway.class, parent.getName());
                Listener listener = gateway.getSpec().getListeners().stream()
                        .filter(l -> l.getName().equals(parent.getSectionName())).findFirst()
                        .orElseThrow(() -> new AssertionError(route.getMetadata().getName() + " names a missing listener "
                                + parent.getSectionName()));
                assertThat(route.getSpec().getHostnames()).as(route.getMetadata().getName() + " hostnames")
                        .containsExactly(listener.getHostname());
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void publicUrlsAndCorsMatchTheEnvironment(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Map<String, String> storage = manifests.configMap("storage-service-config").getData();
        String cors = configValue(manifests, "gateway-config", "REIGH_GATEWAY_CORS_ORIGINS");
        if (overlay.equals("prod")) {
            assertThat(storage.get("REIGH_STORAGE_PUBLIC_BASE_URL")).startsWith("https://");
            assertThat(storage.get("REIGH_S3_PUBLIC_ENDPOINT")).startsWith("https://");
            assertThat(cors.split(",")).as("prod CORS origins").allSatisfy(o -> assertThat(o.trim()).startsWith("https://"));
            assertThat(cors).doesNotContain("localhost");
        }
        assertThat(cors.split(",")).allSatisfy(o -> assertThat(URI.create(o.trim()).getHost()).isNotBlank());
    }
}
