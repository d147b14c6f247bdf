package ai.reigh.devtools.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The deployed GPU fleet's way of calling its backend (docs/worker-compat.md), written from the facts of
 * its protocol: {@code POST {base}/functions/v1/{name}} with the token as {@code Authorization: Bearer}
 * and as {@code apikey}; the heartbeat as a PostgREST RPC with {@code Prefer: return=representation}; up
 * to 3 tries, 1/2/4 s apart, with a timeout that grows by 15 s per try, on 500/502/503/504, on timeouts
 * and network errors, and on a 404 whose body says "not found". Callers then require exactly 200.
 */
public final class EdgeClient {
    public static final int TRIES = 3;
    private static final Set<Integer> RETRYABLE = Set.of(500, 502, 503, 504);

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration firstBackoff;

    public EdgeClient(String baseUrl, String token) {
        this(baseUrl, token, Duration.ofSeconds(1));
    }

    /** {@code firstBackoff}: 1 s as the fleet waits; tests may shorten it. */
    public EdgeClient(String baseUrl, String token, Duration firstBackoff) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .build();
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.token = token;
        this.firstBackoff = firstBackoff;
    }

    public String token() {
        return token;
    }

    /** An edge function, with the fleet's retries. */
    public ApiResponse function(String name, Object body, Duration timeout) {
        return withRetries(timeout, attemptTimeout -> send(base.resolve("/functions/v1/" + name), body, attemptTimeout, false));
    }

    /** An edge function called once (the claim: 15 s, no retry). */
    public ApiResponse functionOnce(String name, Object body, Duration timeout) {
        try {
            return send(base.resolve("/functions/v1/" + name), body, timeout, false);
        } catch (IOException e) {
            return new ApiResponse(0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApiResponse(0, null);
        }
    }

    /** The guardian's heartbeat (curl with a 10 s limit, once every 20 s). */
    public ApiResponse heartbeat(Object body) {
        try {
            return send(base.resolve("/rest/v1/rpc/func_worker_heartbeat_with_logs"), body, Duration.ofSeconds(10), true);
        } catch (IOException e) {
            return new ApiResponse(0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApiResponse(0, null);
        }
    }

    /** The PUT of a presigned upload: only {@code Content-Type} is set, as the fleet does. */
    public int put(String url, String contentType, byte[] bytes) {
        ApiResponse answer = withRetries(Duration.ofSeconds(600), attemptTimeout -> {
            HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(attemptTimeout)
                    .header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return new ApiResponse(put.statusCode(), null);
        });
        return answer.status();
    }

    private ApiResponse send(URI uri, Object body, Duration timeout, boolean rpc) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .header("apikey", token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(PlatformClient.JSON.writeValueAsBytes(body)));
        if (rpc) {
            request.header("Prefer", "return=representation");
        }
        HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] raw = answer.body();
        JsonNode json = null;
        if (raw != null && raw.length > 0) {
            try {
                json = PlatformClient.JSON.readTree(raw);
            } catch (IOException notJson) {
                json = PlatformClient.JSON.getNodeFactory().textNode(new String(raw, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return new ApiResponse(answer.statusCode(), json);
    }

    private interface Attempt {
        ApiResponse run(Duration timeout) throws IOException, InterruptedException;
    }

    private ApiResponse withRetries(Duration timeout, Attempt attempt) {
        ApiResponse last = new ApiResponse(0, null);
        for (int i = 0; i < TRIES; i++) {
            boolean retry;
            try {
                last = attempt.run(timeout.plusSeconds(15L * i));
                retry = RETRYABLE.contains(last.status()) || (last.status() == 404 && saysNotFound(last));
            } catch (HttpTimeoutException timedOut) {
                retry = true;
            } catch (IOException unreachable) {
                retry = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            if (!retry || i == TRIES - 1) {
                return last;
            }
            sleep(firstBackoff.multipliedBy(1L << i));
        }
        return last;
    }

    private static boolean saysNotFound(ApiResponse answer) {
        return answer.body() != null && answer.body().toString().toLowerCase(Locale.ROOT).contains("not found");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
