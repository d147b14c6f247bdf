package ai.reigh.devtools.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The platform's public API as a client sees it, through the gateway. Calls that fail in a way that
 * retrying can fix (connection refused or reset, timeouts, 502/503/504, 429) are retried with
 * exponential backoff and jitter, a bounded number of times, as a production worker must: services
 * restart, and the answer to a retried worker call is designed to be safe (leases fence every write,
 * completions replay).
 */
public class PlatformClient {
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final int MAX_ATTEMPTS = 6;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration requestTimeout;

    public PlatformClient(String baseUrl, String token) {
        this(baseUrl, token, Duration.ofSeconds(15));
    }

    public PlatformClient(String baseUrl, String token, Duration requestTimeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).version(HttpClient.Version.HTTP_1_1)
                .build();
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.token = token;
        this.requestTimeout = requestTimeout;
    }

    /** The same client acting with another token. */
    public PlatformClient as(String otherToken) {
        return new PlatformClient(base.toString(), otherToken, requestTimeout);
    }

    public ApiResponse get(String path) {
        return send("GET", path, null, requestTimeout, Map.of());
    }

    public ApiResponse post(String path, Object body) {
        return send("POST", path, body, requestTimeout, Map.of());
    }

    public ApiResponse post(String path, Object body, Duration timeout) {
        return send("POST", path, body, timeout, Map.of());
    }

    public ApiResponse patch(String path, Object body) {
        return send("PATCH", path, body, requestTimeout, Map.of());
    }

    public ApiResponse put(String path, Object body) {
        return send("PUT", path, body, requestTimeout, Map.of());
    }

    public ApiResponse delete(String path) {
        return send("DELETE", path, null, requestTimeout, Map.of());
    }

    /** A presigned upload: the bytes go straight to object storage, with the headers it was signed for. */
    public int putBytes(String url, Map<String, String> headers, byte[] bytes) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(request::header);
        return withRetries(() -> {
            HttpResponse<Void> answer = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return new ApiResponse(answer.statusCode(), null);
        }).status();
    }

    private ApiResponse send(String method, String path, Object body, Duration timeout, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        }
        HttpRequest built = request.build();
        return withRetries(() -> {
            HttpResponse<byte[]> answer = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
            byte[] raw = answer.body();
            JsonNode json = raw == null || raw.length == 0 ? null : JSON.readTree(raw);
            return new ApiResponse(answer.statusCode(), json);
        });
    }

    private interface Call {
        ApiResponse run() throws IOException, InterruptedException;
    }

    private static ApiResponse withRetries(Call call) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1;; attempt++) {
            try {
                ApiResponse answer = call.run();
                if (!isRetryable(answer.status()) || attempt == MAX_ATTEMPTS) {
                    return answer;
                }
            } catch (IOException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new IllegalStateException("platform unreachable after " + attempt + " attempts: " + e, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(jittered(backoff));
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    static boolean isRetryable(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    private static Duration jittered(Duration backoff) {
        long millis = backoff.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static byte[] bytes(Object body) {
        try {
            return body instanceof byte[] raw ? raw : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("not serialisable: " + body, e);
        }
    }
}
