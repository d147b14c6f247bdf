package ai.reigh.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * What a Kubernetes Service is to its clients, in a few lines of test code: one address in front of
 * several replicas of a service. Every request goes to a live upstream; an upstream that refuses the
 * connection (a killed process) is skipped, as a Service drops a dead pod from its endpoints. A request
 * already sent to an upstream that dies before answering is answered 502, as the gateway does, and
 * the client retries it (all of the platform's clients do, and what they retry is idempotent or
 * fenced).
 *
 * <p>Two ways to pick the upstream: {@link #roundRobin} spreads requests over all of them (the
 * Service in front of the credits-service replicas); {@link #preferring} sends everything to the
 * first upstream while it accepts connections, then to the next (so that a group of workers or users
 * lives on one replica until it dies, and the test knows which). Paths can be pinned to another origin
 * ({@code /v1/workers/uploads} is storage-service's, through the gateway).
 *
 * <p>Counts what each upstream answered, by method and path (ids replaced by {@code {id}}).
 */
final class ServiceFront implements AutoCloseable {
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "date", "expect", "from",
            "host", "keep-alive", "transfer-encoding", "upgrade", "via", "warning");
    /** Longer than any long poll (at most 30 s) or internal call timeout (10 s). */
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(45);
    private static final HttpClient UPSTREAMS = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> upstreams;
    private final boolean spread;
    private final Map<String, String> pinned;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "front");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final AtomicLong lostInFlight = new AtomicLong();

    private ServiceFront(String name, int port, List<String> upstreams, boolean spread, Map<String, String> pinned) {
        this.name = name;
        this.upstreams = List.copyOf(upstreams);
        this.spread = spread;
        this.pinned = Map.copyOf(pinned);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        } catch (IOException e) {
            throw new IllegalStateException(name + ": cannot listen on port " + port, e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    /** Requests spread over every live upstream in turn; {@code port} 0 takes a free one. */
    static ServiceFront roundRobin(String name, int port, List<String> upstreams) {
        return new ServiceFront(name, port, upstreams, true, Map.of());
    }

    /** Everything to the first live upstream, in the given order; {@code pinned}: path prefix → origin. */
    static ServiceFront preferring(String name, List<String> upstreams, Map<String, String> pinned) {
        return new ServiceFront(name, 0, upstreams, false, pinned);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            for (String origin : candidates(path)) {
                HttpResponse<byte[]> answer;
                try {
                    answer = UPSTREAMS.send(forwarded(exchange, origin, body), HttpResponse.BodyHandlers.ofByteArray());
                } catch (ConnectException | HttpConnectTimeoutException dead) {
                    refused.computeIfAbsent(origin, o -> new AtomicLong()).incrementAndGet();
                    continue;
                } catch (IOException lost) {
                    // Sent, and the upstream went away before answering: whether it acted is unknown.
                    lostInFlight.incrementAndGet();
                    reply(exchange, 502, Map.of(), new byte[0]);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    reply(exchange, 502, Map.of(), new byte[0]);
                    return;
                }
                answered.computeIfAbsent(origin + " " + exchange.getRequestMethod() + " " + shape(path),
                        key -> new AtomicLong()).incrementAndGet();
                reply(exchange, answer.statusCode(), answer.headers().map(), answer.body());
                return;
            }
            // No upstream accepts connections: what a Service without ready endpoints gives.
            reply(exchange, 503, Map.of(), new byte[0]);
        } finally {
            exchange.close();
        }
    }

    /** The origins to try, in order. */
    private List<String> candidates(String path) {
        for (Map.Entry<String, String> route : pinned.entrySet()) {
            if (path.startsWith(route.getKey())) {
                return List.of(route.getValue());
            }
        }
        if (!spread) {
            return upstreams;
        }
        int first = Math.floorMod(next.getAndIncrement(), upstreams.size());
        List<String> order = new ArrayList<>(upstreams.size());
        for (int i = 0; i < upstreams.size(); i++) {
            order.add(upstreams.get((first + i) % upstreams.size()));
        }
        return order;
    }

    private static HttpRequest forwarded(HttpExchange exchange, String origin, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + exchange.getRequestURI()))
                .timeout(UPSTREAM_TIMEOUT)
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((header, values) -> {
            if (!NOT_FORWARDED.contains(header.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(header, value));
            }
        });
        return request.build();
    }

    private static void reply(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((header, values) -> {
            if (!NOT_FORWARDED.contains(header.toLowerCase(Locale.ROOT)) && !header.startsWith(":")) {
                exchange.getResponseHeaders().put(header, values);
            }
        });
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** {@code /v1/workers/tasks/3f…/complete} → {@code /v1/workers/tasks/{id}/complete}. */
    private static String shape(String path) {
        return path.replaceAll("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "{id}");
    }

    /** Requests {@code upstream} answered whose "METHOD /path" starts with {@code prefix} ("" for all). */
    long answered(String upstream, String prefix) {
        String key = upstream + " " + prefix;
        return answered.entrySet().stream().filter(entry -> entry.getKey().startsWith(key))
                .mapToLong(entry -> entry.getValue().get()).sum();
    }

    /** Connections {@code upstream} refused (it was down), each followed by a try of the next one. */
    long refused(String upstream) {
        AtomicLong count = refused.get(upstream);
        return count == null ? 0 : count.get();
    }

    /** Requests whose upstream died before answering (answered 502). */
    long lostInFlight() {
        return lostInFlight.get();
    }

    /** What each upstream answered, for the figures. */
    Map<String, Long> answeredByUpstream() {
        Map<String, Long> counts = new TreeMap<>();
        for (String upstream : upstreams) {
            counts.put(upstream, answered(upstream, ""));
        }
        return counts;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }

    @Override
    public String toString() {
        return name + " " + url() + " -> " + upstreams;
    }
}
