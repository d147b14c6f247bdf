package ai.reigh.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import ai.reigh.devtools.http.ApiResponse;
import ai.reigh.devtools.http.PlatformClient;

/** The client's retry policy, against a local HTTP server that fails the way a restarting service does. */
class PlatformClientTest {
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/flaky", exchange -> {
            int n = requests.incrementAndGet();
            byte[] body = (n < 3 ? "{\"code\":\"service_unavailable\"}" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(n < 3 ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/refused", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"code\":\"lease_lost\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(409, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private PlatformClient client() {
        return new PlatformClient("http://127.0.0.1:" + server.getAddress().getPort(), "token");
    }

    @Test
    void unavailableAnswersAreRetriedWithBackoffUntilOneSucceeds() {
        ApiResponse answer = client().post("/flaky", Map.of("x", 1));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void aRefusalIsAnsweredAtOnceWithItsCode() {
        ApiResponse answer = client().post("/refused", Map.of());
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.code()).isEqualTo("lease_lost");
        assertThat(requests.get()).isEqualTo(1);
    }
}
