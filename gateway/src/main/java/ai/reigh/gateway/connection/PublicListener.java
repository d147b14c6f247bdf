package ai.reigh.gateway.connection;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import ai.reigh.gateway.config.GatewayConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;

/**
 * The gateway's public port. The gateway opens it itself, with Vert.x, instead of letting Quarkus do it
 * ({@code quarkus.http.host-enabled=false}), for one reason: to see each connection as it opens. Neither
 * Vert.x 4.5 nor Quarkus 3.33 bounds the time a client may take to send a request's headers (their
 * idle timeouts are reset by every byte a slow client trickles), and Quarkus offers no hook on its own
 * server's connections ({@code HttpServerOptionsCustomizer} sees options only). Vert.x's
 * {@code HttpServer.connectionHandler} runs when a connection opens, before any byte of a request is
 * read, and gives the connection to {@link RequestHeaderDeadline}.
 *
 * <p>Everything else is Quarkus': requests are handed to Quarkus' root handler
 * ({@code VertxHttpRecorder.getRootHandler()}, the handler Quarkus' own server would use, which its
 * Lambda and virtual-HTTP integrations call the same way), so the router, CORS, the body limit, graceful
 * shutdown (in-flight long polls finish) and the HTTP metrics are unchanged. The port is
 * {@code quarkus.http.port} ({@code quarkus.http.test-port} in tests), so deployments configure it as
 * before. Health and metrics are on Quarkus' management interface, a port of its own.
 *
 * <p>HTTP/1.1 only: no cleartext HTTP/2 (the edge and the clients speak HTTP/1.1 to the gateway, and an
 * HTTP/2 connection multiplexes requests, which this deadline does not model).
 */
@ApplicationScoped
public class PublicListener {
    private static final Logger LOG = Logger.getLogger(PublicListener.class);
    /**
     * The HTTP decoder's own limits, well above the gateway's ({@code reigh.gateway.max-uri-length},
     * {@code max-header-bytes}): the gateway answers problems below these; past them the decoder would
     * answer a bare 414/431.
     */
    static final int DECODER_MAX_INITIAL_LINE_LENGTH = 65_536;
    static final int DECODER_MAX_HEADER_BYTES = 65_536;
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final GatewayConfig config;
    private final RequestHeaderDeadline deadline;
    private final String host;
    private final int configuredPort;
    private volatile int port = -1;

    public PublicListener(Vertx vertx, GatewayConfig config, RequestHeaderDeadline deadline,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String host,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port,
            @ConfigProperty(name = "quarkus.http.test-port", defaultValue = "0") int testPort) {
        this.vertx = vertx;
        this.config = config;
        this.deadline = deadline;
        this.host = host;
        this.configuredPort = LaunchMode.current() == LaunchMode.TEST ? testPort : port;
    }

    /** Opens the port before the application counts as started (a port taken fails the start). */
    void start(@Observes StartupEvent started) {
        // One listener per event loop, as Quarkus deploys its own: Vert.x shares one socket among the
        // servers that ask for the same host and port. A port left to the system (0, in tests) is not
        // shared that way (a second server asking for the port the first one got would bind it again and
        // fail), so then one listener serves.
        int instances = configuredPort == 0 ? 1 : Math.max(1, 2 * Runtime.getRuntime().availableProcessors());
        int actual = deploy(configuredPort, 1);
        deploy(actual, instances - 1);
        port = actual;
        LOG.infof("Public port listening on http://%s:%d (request headers within %s of a connection being idle, "
                + "request bodies silent at most %s, connections idle at most %s)", host, actual,
                config.requestHeaderTimeout(), config.bodyReadTimeout(), config.idleTimeout());
    }

    /** The port the gateway serves on (the one chosen when the configuration said 0). */
    public int port() {
        return port;
    }

    private int deploy(int wantedPort, int instances) {
        if (instances <= 0) {
            return wantedPort;
        }
        AtomicInteger actual = new AtomicInteger(wantedPort);
        try {
            vertx.deployVerticle(() -> new Listener(wantedPort, actual), new DeploymentOptions().setInstances(instances))
                    .toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + wantedPort + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the public port did not open within " + START_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the public port", e);
        }
        return actual.get();
    }

    HttpServerOptions options(int listenPort) {
        return new HttpServerOptions().setHost(host).setPort(listenPort)
                // A connection on which nothing moves either way: longer than a parked long poll (30 s),
                // the SSE keep-alive (15 s) and the gateway's own wait for a silent upstream, so that
                // its 504 still reaches the client.
                .setIdleTimeout((int) config.idleTimeout().toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxInitialLineLength(DECODER_MAX_INITIAL_LINE_LENGTH).setMaxHeaderSize(DECODER_MAX_HEADER_BYTES)
                .setHttp2ClearTextEnabled(false).setTcpNoDelay(true)
                .setCompressionSupported(false).setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(false);
    }

    private final class Listener extends AbstractVerticle {
        private final int listenPort;
        private final AtomicInteger actual;

        Listener(int listenPort, AtomicInteger actual) {
            this.listenPort = listenPort;
            this.actual = actual;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(options(listenPort)).connectionHandler(deadline::opened)
                    .requestHandler(VertxHttpRecorder.getRootHandler()).listen()
                    .onSuccess(server -> {
                        actual.set(server.actualPort());
                        started.complete();
                    }).onFailure(started::fail);
        }
    }
}
