package ai.reigh.tasks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real service as another release of it would answer, in front of the real process. Its next release
 * ({@link #newer}): every answer comes back unchanged, except that each JSON object answered (a view or
 * a problem) carries fields this release does not know. Its previous release ({@link #older}): a route
 * this release added answers 404 as it did then. Nothing else is faked: the real service does the work.
 */
public final class OtherRelease implements AutoCloseable {
    /** What a newer release might add to an answer: a scalar and an object. */
    static final String NEW_FIELD = "field_from_a_newer_release";
    private static final List<String> FORWARDED = List.of("Authorization", "Content-Type", "Accept", "X-Request-Id");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String target;
    private final boolean newer;
    private final String missingRoute;
    private final List<String> requested = new CopyOnWriteArrayList<>();

    private OtherRelease(String target, boolean newer, String missingRoute) throws IOException {
        this.target = target;
        this.newer = newer;
        this.missingRoute = missingRoute;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::forward);
        server.start();
    }

    /** A stand-in for the next release of the service at {@code target}, in front of it. */
    public static OtherRelease newer(String target) throws IOException {
        return new OtherRelease(target, true, null);
    }

    /** A stand-in for the release of the service at {@code target} before it had {@code route}. */
    public static OtherRelease older(String target, String route) throws IOException {
        return new OtherRelease(target, false, route);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** "METHOD path → status" of every request it answered, in order. */
    public List<String> requested() {
        return List.copyOf(requested);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] requestBody;
            try (InputStream in = exchange.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            String call = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            if (exchange.getRequestURI().getPath().equals(missingRoute)) {
                requested.add(call + " → 404");
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(20))
                    .method(exchange.getRequestMethod(), requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(requestBody));
            for (String header : FORWARDED) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            HttpResponse<byte[]> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = answer.body();
            String contentType = answer.headers().firstValue("Content-Type").orElse(null);
            requested.add(call + " → " + answer.statusCode());
            if (newer && contentType != null && contentType.contains("json") && body.length > 0) {
                JsonNode node = JSON.readTree(body);
                if (node instanceof ObjectNode object) {
                    object.put(NEW_FIELD, "a value this release does not know");
                    object.putObject("another_new_object").putArray("items").add(1);
                    body = JSON.writeValueAsString(object).getBytes(StandardCharsets.UTF_8);
                }
            }
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
