package ai.reigh.gateway.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API.md's routing table, and the deployed GPU fleet's paths: the longest matching path prefix wins,
 * prefixes match whole segments ({@code /v1/me} routes {@code /v1/me/tokens}, not {@code /v1/meow}).
 * {@code /internal/**} is never routed: those calls are between services only.
 */
public final class RouteTable {
    private static final List<Map.Entry<String, Service>> PREFIXES = List.<Map.Entry<String, Service>>of(
            Map.entry("/v1/me", Service.PROJECTS),
            Map.entry("/v1/projects", Service.PROJECTS),
            Map.entry("/v1/shots", Service.PROJECTS),
            Map.entry("/v1/generations", Service.PROJECTS),
            Map.entry("/v1/resources", Service.PROJECTS),
            Map.entry("/v1/training-data", Service.PROJECTS),
            Map.entry("/v1/tasks", Service.TASKS),
            Map.entry("/v1/events", Service.TASKS),
            Map.entry("/v1/workers", Service.TASKS),
            Map.entry("/v1/admin/workers", Service.TASKS),
            Map.entry("/v1/admin/queue", Service.TASKS),
            Map.entry("/v1/admin/outbox", Service.TASKS),
            Map.entry("/v1/admin/tasks", Service.TASKS),
            Map.entry("/v1/admin/activity", Service.TASKS),
            Map.entry("/v1/admin/overview", Service.TASKS),
            Map.entry("/v1/credits", Service.CREDITS),
            Map.entry("/v1/task-costs", Service.CREDITS),
            Map.entry("/v1/admin/credits", Service.CREDITS),
            Map.entry("/v1/admin/task-costs", Service.CREDITS),
            Map.entry("/v1/admin/users", Service.PROJECTS),
            Map.entry("/v1/admin/generations", Service.PROJECTS),
            Map.entry("/v1/admin/storage", Service.STORAGE),
            Map.entry("/v1/storage", Service.STORAGE),
            Map.entry("/storage/v1", Service.STORAGE),
            Map.entry("/v1/workers/uploads", Service.STORAGE),
            // The deployed GPU fleet's protocol (docs/worker-compat.md): its edge functions and its one
            // PostgREST call, the heartbeat RPC. Nothing else of PostgREST's namespace is routed.
            Map.entry("/functions/v1", Service.TASKS),
            Map.entry("/rest/v1/rpc/func_worker_heartbeat_with_logs", Service.TASKS))
            .stream().sorted(Comparator.comparingInt((Map.Entry<String, Service> e) -> e.getKey().length()).reversed())
            .toList();

    private RouteTable() {
    }

    /** The service for a normalized path, or empty (unknown or internal: 404). */
    public static Optional<Service> route(String path) {
        return match(path).map(Map.Entry::getValue);
    }

    /**
     * How a request is labelled in the HTTP server metrics: the prefix it routes by ({@code /v1/projects/**}),
     * never the path itself, whose ids would show who works on what to whoever reads the metrics (and
     * make every id a time series). Paths that route nowhere are {@code UNROUTED}.
     */
    public static String metricsTemplate(String path) {
        return match(path).map(entry -> entry.getKey() + "/**").orElse("UNROUTED");
    }

    private static Optional<Map.Entry<String, Service>> match(String path) {
        if (path == null || isInternal(path)) {
            return Optional.empty();
        }
        for (Map.Entry<String, Service> entry : PREFIXES) {
            String prefix = entry.getKey();
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    static boolean isInternal(String path) {
        return path.equals("/internal") || path.startsWith("/internal/");
    }
}
