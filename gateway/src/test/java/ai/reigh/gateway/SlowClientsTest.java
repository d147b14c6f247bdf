package ai.reigh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.reigh.gateway.connection.PublicListener;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Clients too slow to be served, with raw sockets (an HTTP client library would not misbehave on
 * purpose): headers trickled one byte every two seconds (slowloris), a connection that never sends a
 * request, a kept-alive connection whose next request never completes, a body that stops arriving.
 * Each is cut off at the configured bound, while a client that is merely slow within the bounds is
 * served. (Long polls and server-sent events through the gateway: system-tests' GatewayTimeoutsSystemTest.)
 */
@QuarkusTest
class SlowClientsTest {
    /** Timers on a loaded two-core machine fire late, never early. */
    private static final Duration LATE = Duration.ofSeconds(5);
    private static final Duration EARLY = Duration.ofMillis(500);

    @Inject
    PublicListener listener;

    @ConfigProperty(name = "reigh.gateway.request-header-timeout")
    Duration headerDeadline;

    @ConfigProperty(name = "reigh.gateway.body-read-timeout")
    Duration bodyTimeout;

    private final ExecutorService clients = Executors.newCachedThreadPool();

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void connectionsThatDoNotDeliverRequestHeadersInTimeAreClosed() throws Exception {
        Future<Duration> trickling = clients.submit(() -> {
            try (Socket socket = connect()) {
                long opened = System.nanoTime();
                trickle(socket, "GET /v1/me HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200), Duration.ofSeconds(2));
                return untilClosed(socket, opened);
            }
        });
        Future<Duration> silent = clients.submit(() -> {
            try (Socket socket = connect()) {
                return untilClosed(socket, System.nanoTime());
            }
        });
        Future<Duration> keptAliveThenTrickling = clients.submit(() -> {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(ascii("GET /v2/first HTTP/1.1\r\nHost: localhost\r\n\r\n"));
                String first = readAnswer(socket.getInputStream());
                assertThat(first).startsWith("HTTP/1.1 404");
                long answered = System.nanoTime();
                trickle(socket, "GET /v2/second HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "b".repeat(200), Duration.ofSeconds(2));
                return untilClosed(socket, answered);
            }
        });
        Future<String> slowButInTime = clients.submit(() -> {
            try (Socket socket = connect()) {
                String request = "GET /v2/in-time HTTP/1.1\r\nHost: localhost\r\nX-Slow: yes\r\n\r\n";
                int pieces = 8;
                long pause = headerDeadline.toMillis() / 2 / pieces;
                int size = request.length() / pieces + 1;
                for (int i = 0; i < request.length(); i += size) {
                    socket.getOutputStream().write(ascii(request.substring(i, Math.min(request.length(), i + size))));
                    socket.getOutputStream().flush();
                    Thread.sleep(pause);
                }
                return readAnswer(socket.getInputStream());
            }
        });

        assertThat(slowButInTime.get()).as("a slow client within the deadline is served").startsWith("HTTP/1.1 404")
                .contains("\"code\":\"not_found\"");
        assertClosedAtTheDeadline("headers trickled one byte every 2 s", trickling.get(), headerDeadline);
        assertClosedAtTheDeadline("a connection that sends nothing", silent.get(), headerDeadline);
        assertClosedAtTheDeadline("a kept-alive connection trickling its next request", keptAliveThenTrickling.get(),
                headerDeadline);
    }

    @Test
    void aBodyThatStopsArrivingIs408AndOneThatKeepsMovingIsNot() throws Exception {
        String head = "POST /v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        Future<String> stalled = clients.submit(() -> {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(ascii(head + chunk("{\"name\": \"st")));
                long sent = System.nanoTime();
                String answer = readAnswer(socket.getInputStream());
                Duration waited = Duration.ofNanos(System.nanoTime() - sent);
                assertThat(waited).as("answered after the body was silent for the limit")
                        .isBetween(bodyTimeout.minus(EARLY), bodyTimeout.plus(LATE));
                assertThat(socket.getInputStream().read()).as("and the connection closed").isEqualTo(-1);
                return answer;
            }
        });
        Future<String> moving = clients.submit(() -> {
            try (Socket socket = connect()) {
                OutputStream out = socket.getOutputStream();
                out.write(ascii(head + chunk("{\"name\": \"")));
                // One byte every 2 s for longer than the limit: slow, never silent for the limit.
                long until = System.nanoTime() + bodyTimeout.plusSeconds(4).toNanos();
                while (System.nanoTime() < until) {
                    Thread.sleep(2000);
                    out.write(ascii(chunk("m")));
                    out.flush();
                }
                out.write(ascii(chunk("\"}") + "0\r\n\r\n"));
                return readAnswer(socket.getInputStream());
            }
        });

        assertThat(stalled.get()).startsWith("HTTP/1.1 408").contains("application/problem+json")
                .contains("\"code\":\"request_timeout\"");
        // The whole body arrived and was forwarded (projects-service is down in this module's tests: 503).
        assertThat(moving.get()).startsWith("HTTP/1.1 503").contains("\"code\":\"service_unavailable\"");
    }

    private static void assertClosedAtTheDeadline(String what, Duration closedAfter, Duration deadline) {
        assertThat(closedAfter).as(what + ": closed at the header deadline (" + deadline + ")")
                .isBetween(deadline.minus(EARLY), deadline.plus(LATE));
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", listener.port());
        socket.setSoTimeout((int) headerDeadline.plus(bodyTimeout).plus(LATE).toMillis());
        return socket;
    }

    /** Writes {@code text} one byte at a time in the background, until the server closes the connection. */
    private void trickle(Socket socket, String text, Duration every) {
        clients.submit(() -> {
            try {
                for (byte b : ascii(text)) {
                    socket.getOutputStream().write(b);
                    socket.getOutputStream().flush();
                    Thread.sleep(every.toMillis());
                }
            } catch (IOException closedByTheServer) {
                // What the test waits for.
            }
            return null;
        });
    }

    /** Time from {@code since} until the server closes the connection (end of stream or reset). */
    private static Duration untilClosed(Socket socket, long since) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // Nothing is expected before the close; whatever comes is ignored.
            }
        } catch (java.net.SocketException reset) {
            // A reset is a close too.
        }
        return Duration.ofNanos(System.nanoTime() - since);
    }

    /** One answer: its head and, as every answer here is JSON, its body up to the closing brace. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder answer = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            answer.append((char) b);
            int bodyStart = answer.indexOf("\r\n\r\n");
            if (bodyStart >= 0 && answer.charAt(answer.length() - 1) == '}') {
                break;
            }
        }
        return answer.toString();
    }

    private static String chunk(String text) {
        return Integer.toHexString(text.length()) + "\r\n" + text + "\r\n";
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
