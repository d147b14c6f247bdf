package ai.reigh.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import io.restassured.RestAssured;

/**
 * The gateway's bounds on slow clients (request headers within 10 s of a connection being idle, a
 * request body silent at most 20 s, a connection idle at most 75 s) against the platform's long-lived
 * exchanges, through the gateway: a worker's long poll parked longer than both
 * bounds, and a server-sent event stream held past the header deadline and a keep-alive, still work; a
 * streamed upload whose body stops arriving is cut off with a 408 rather than holding storage-service.
 * The three run at once.
 */
class GatewayTimeoutsSystemTest {
    private static final Duration HEADER_DEADLINE = Duration.ofSeconds(10);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(20);
    /** The comment tasks-service sends every 15 s on an idle stream, as it arrives (no space after the colon). */
    private static final String KEEP_ALIVE = ":keep-alive";
    /** Every exchange here ends within a minute; a wait past this is a failure, never a hang. */
    private static final long LONGEST_WAIT_SECONDS = 120;
    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownNow();
    }

    @Test
    void longPollsAndEventStreamsOutlastTheBoundsAndAStalledUploadDoesNot() throws Exception {
        UUID user = UUID.randomUUID();
        String token = Tokens.user(user);
        Api.as(token).get("/v1/me").then().statusCode(200);
        Api.as(token).post("/v1/credits/welcome-bonus").then().statusCode(201);
        UUID poller = UUID.randomUUID();
        Api.as(Tokens.user(poller)).get("/v1/me").then().statusCode(200);
        String project = Api.as(token).body(Map.of("name", "Slow clients")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        URI gateway = URI.create(SystemUnderTest.shared().gatewayUrl());

        // A worker bound to a user without tasks (so no task, not even this test's, can end its wait) parks for 25 s.
        Future<String> longPoll = CLIENTS.submit(() -> {
            String body = "{\"worker_id\": \"slow-clients-" + poller + "\", \"wait_seconds\": 25}";
            try (Socket socket = connect(gateway, Duration.ofSeconds(60))) {
                long sent = System.nanoTime();
                write(socket, "POST /v1/workers/claim HTTP/1.1\r\nHost: " + gateway.getAuthority() + "\r\nAuthorization: Bearer "
                        + Tokens.localWorker(poller) + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body);
                String status = statusLine(socket.getInputStream());
                Duration parked = Duration.ofNanos(System.nanoTime() - sent);
                assertThat(parked).as("parked past the header deadline and the body timeout")
                        .isGreaterThan(Duration.ofSeconds(24));
                return status;
            }
        });

        // The event stream: open past the header deadline and a 15 s keep-alive, then a task's event arrives.
        Future<String> events = CLIENTS.submit(() -> {
            HttpRequest subscribe = HttpRequest.newBuilder(gateway.resolve("/v1/events?project_id=" + project))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
            HttpResponse<Stream<String>> stream = HTTP.send(subscribe, HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);
            long opened = System.nanoTime();
            StringBuilder seen = new StringBuilder();
            String created = null;
            for (String line : (Iterable<String>) stream.body()::iterator) {
                seen.append(line).append('\n');
                // tasks-service sends one keep-alive as the stream opens; the task is created on the first one
                // after the header deadline, so its event shows the stream outlived that deadline.
                if (created == null && line.startsWith(KEEP_ALIVE)
                        && Duration.ofNanos(System.nanoTime() - opened).compareTo(HEADER_DEADLINE) > 0) {
                    created = Api.as(token).body(Map.of("project_id", project, "task_type", "single_image", "params",
                            Map.of("prompt", "after the keep-alive"))).post("/v1/tasks").then().statusCode(201)
                            .extract().path("id");
                }
                if (created != null && line.startsWith("data:") && line.contains(created)) {
                    stream.body().close();
                    return seen.toString();
                }
            }
            return seen.append("(the stream ended)").toString();
        });

        // An upload that declares 4 KiB, sends 100 bytes and stops.
        Future<String> stalledUpload = CLIENTS.submit(() -> {
            try (Socket socket = connect(gateway, BODY_TIMEOUT.plusSeconds(30))) {
                write(socket, "POST /v1/storage/buckets/public/objects?filename=stalled.png HTTP/1.1\r\nHost: "
                        + gateway.getAuthority() + "\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: image/png\r\nContent-Length: 4096\r\n\r\n" + "p".repeat(100));
                long stalled = System.nanoTime();
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                // Whichever bound comes first answers: storage-service's own for direct uploads (10 s silent,
                // upload_too_slow) or the gateway's (20 s, request_timeout); the gateway closes the connection.
                assertThat(Duration.ofNanos(System.nanoTime() - stalled)).as("cut off and closed within the gateway's bound")
                        .isLessThan(BODY_TIMEOUT.plusSeconds(8));
                return answer;
            }
        });

        assertThat(longPoll.get(LONGEST_WAIT_SECONDS, TimeUnit.SECONDS)).as("nothing to claim: 204 after the wait").startsWith("HTTP/1.1 204");
        assertThat(events.get(LONGEST_WAIT_SECONDS, TimeUnit.SECONDS)).contains(KEEP_ALIVE).contains("data:");
        assertThat(stalledUpload.get(LONGEST_WAIT_SECONDS, TimeUnit.SECONDS)).startsWith("HTTP/1.1 408").contains("application/problem+json")
                .containsAnyOf("\"code\":\"request_timeout\"", "\"code\":\"upload_too_slow\"");
        assertThat(Api.as(token).get("/v1/storage/objects?limit=200").then().extract().asString())
                .as("no object from the stalled upload").doesNotContain("stalled.png");
    }

    private static Socket connect(URI gateway, Duration readTimeout) throws IOException {
        Socket socket = new Socket(gateway.getHost(), gateway.getPort());
        socket.setSoTimeout((int) readTimeout.toMillis());
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String statusLine(InputStream in) throws IOException {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).readLine();
    }
}
