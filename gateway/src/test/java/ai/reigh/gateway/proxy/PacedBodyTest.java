package ai.reigh.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The request body the proxy pipes upstream, on a real Vert.x server. A pipe lets go of its source when
 * it is done ({@code handler(null)}, {@code endHandler(null)}, {@code exceptionHandler(null)}); Vert.x
 * refuses a handler on a request that has ended with an exception (which the pipe swallows), so letting
 * go must pass the null through rather than a wrapper, or every proxied request throws one.
 */
class PacedBodyTest {
    private static final long LIMIT_MILLIS = 200;

    private Vertx vertx;
    private HttpServer server;
    private volatile BiConsumer<HttpServerRequest, PacedBody> onRequest;
    private final AtomicBoolean timedOut = new AtomicBoolean();

    @BeforeEach
    void startServer() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            request.pause();
            onRequest.accept(request, new PacedBody(request, vertx, LIMIT_MILLIS, () -> timedOut.set(true)));
        }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void lettingGoOfARequestThatHasEndedThrowsNothing() throws Exception {
        CompletableFuture<List<Throwable>> thrown = new CompletableFuture<>();
        onRequest = (request, body) -> {
            body.endHandler(ended -> {
                List<Throwable> failures = new ArrayList<>();
                for (Runnable lettingGo : List.<Runnable>of(() -> body.handler(null), () -> body.endHandler(null),
                        () -> body.exceptionHandler(null))) {
                    try {
                        lettingGo.run();
                    } catch (RuntimeException refused) {
                        failures.add(refused);
                    }
                }
                thrown.complete(failures);
                request.response().end("ok");
            });
            body.resume();
        };
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(thrown.get(10, TimeUnit.SECONDS)).as("exceptions raised while letting go").isEmpty();
    }

    @Test
    void lettingGoBeforeTheEndStopsTheClock() throws Exception {
        CompletableFuture<Void> letGo = new CompletableFuture<>();
        onRequest = (request, body) -> {
            body.handler(chunk -> {
                // The first chunk arrived: the pipe gives up on the body here (as when the upstream failed).
                body.handler(null);
                body.endHandler(null);
                body.exceptionHandler(null);
                letGo.complete(null);
            });
            body.endHandler(ended -> { });
            body.resume();
        };
        try (Socket socket = bodyThatStopsAfterTwoOfTenBytes()) {
            letGo.get(10, TimeUnit.SECONDS);
            Thread.sleep(LIMIT_MILLIS * 4);
        }

        assertThat(timedOut).as("the silence limit fired after the pipe let go of the body").isFalse();
    }

    @Test
    void aBodyThatFallsSilentWhileWantedTimesOut() throws Exception {
        CompletableFuture<Void> firstChunk = new CompletableFuture<>();
        onRequest = (request, body) -> {
            body.handler(chunk -> firstChunk.complete(null));
            body.endHandler(ended -> { });
            body.resume();
        };
        try (Socket socket = bodyThatStopsAfterTwoOfTenBytes()) {
            firstChunk.get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!timedOut.get() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        assertThat(timedOut).as("the silence limit fired while the body was wanted").isTrue();
    }

    /** A request declaring a ten-byte body, of which two are sent; then the client falls silent. */
    private Socket bodyThatStopsAfterTwoOfTenBytes() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.actualPort());
        OutputStream out = socket.getOutputStream();
        out.write("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nab".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }
}
