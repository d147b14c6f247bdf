package ai.reigh.gateway.proxy;

import java.net.ConnectException;
import java.net.URI;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import ai.reigh.gateway.config.GatewayConfig;
import ai.reigh.gateway.config.UpstreamsConfig;
import ai.reigh.gateway.routing.RouteTable;
import ai.reigh.gateway.routing.Service;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway itself: a streaming reverse proxy. Bodies are piped both ways with back-pressure and
 * never buffered (server-sent events pass through as they are written). Every request and response
 * carries an {@code X-Request-Id}; a service that is down is a 503 problem, one that stops answering
 * a 504, a broken exchange a 502.
 */
@ApplicationScoped
public class ReverseProxy {
    private static final Logger LOG = Logger.getLogger(ReverseProxy.class);
    static final String REQUEST_ID = "X-Request-Id";
    /** The context key Quarkus' Micrometer binder reads a request's route template from. */
    private static final String METRICS_TEMPLATE = "UrlPathTemplate";
    private static final Pattern ACCEPTED_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Connection-level headers (RFC 9110 §7.6.1) are not forwarded. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host");
    /**
     * The caller's trace context is not forwarded as it came: the gateway's own span continues it, and the
     * upstream request carries that span's (the HTTP client's tracing sets it).
     */
    private static final Set<String> TRACE_CONTEXT = Set.of("traceparent", "tracestate");
    private static final Set<String> NOT_FORWARDED_UPSTREAM = Stream.concat(HOP_BY_HOP.stream(),
            TRACE_CONTEXT.stream()).collect(Collectors.toUnmodifiableSet());

    private final Vertx vertx;
    private final GatewayConfig config;
    private final Pattern largeJsonBodyPaths;
    private final Map<Service, URI> upstreams = new EnumMap<>(Service.class);
    private final HttpClient client;

    public ReverseProxy(Vertx vertx, GatewayConfig config, UpstreamsConfig services) {
        this.vertx = vertx;
        this.config = config;
        this.largeJsonBodyPaths = Pattern.compile(config.largeJsonBodyPaths());
        upstreams.put(Service.PROJECTS, services.projects().url());
        upstreams.put(Service.TASKS, services.tasks().url());
        upstreams.put(Service.CREDITS, services.credits().url());
        upstreams.put(Service.STORAGE, services.storage().url());
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setConnectTimeout((int) config.connectTimeout().toMillis()).setKeepAlive(true)
                        .setTcpNoDelay(true).setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerService())
                        .setMaxWaitQueueSize(config.maxQueuedRequests()));
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::admit);
        // After Quarkus' own routes: everything else is proxied or refused. Health and metrics are on the
        // management interface (another port), so /q/* on this one is an unknown path like any other.
        router.route().order(10_000).handler(this::forward);
    }

    /** First of all: a request id, and a declared body over the limit refused before anything reads it. */
    void admit(RoutingContext context) {
        String candidate = context.request().getHeader(REQUEST_ID);
        String requestId = candidate != null && ACCEPTED_REQUEST_ID.matcher(candidate).matches() ? candidate
                : UUID.randomUUID().toString();
        context.request().headers().set(REQUEST_ID, requestId);
        context.response().putHeader(REQUEST_ID, requestId);
        MDC.put("request_id", requestId);
        // Quarkus' HTTP server metrics read the route template from the request's context (Quarkus REST
        // puts it there for the services); without one they would count the raw path, ids and all.
        Vertx.currentContext().putLocal(METRICS_TEMPLATE, RouteTable.metricsTemplate(context.normalizedPath()));
        if (context.request().uri().length() > config.maxUriLength()) {
            Problems.sendAndClose(context.response(), 414, "uri_too_long", "URI too long",
                    "The request target is longer than " + config.maxUriLength() + " characters.", requestId);
            return;
        }
        if (headerBytes(context.request()) > config.maxHeaderBytes()) {
            Problems.sendAndClose(context.response(), 431, "headers_too_large", "Request headers too large",
                    "The request headers are larger than " + config.maxHeaderBytes() + " bytes.", requestId);
            return;
        }
        if (declaredLength(context.request()) > config.maxBodyBytes()) {
            Problems.sendAndClose(context.response(), 413, "payload_too_large", "Payload too large",
                    "The request body is larger than " + config.maxBodyBytes() + " bytes.", requestId);
            return;
        }
        context.next();
    }

    void forward(RoutingContext context) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        String requestId = request.getHeader(REQUEST_ID);
        String path = context.normalizedPath();
        Optional<Service> service = RouteTable.route(path);
        if (service.isEmpty()) {
            Problems.send(response, 404, "not_found", "Not found", "No route for " + printable(path) + ".", requestId);
            return;
        }
        URI upstream = upstreams.get(service.get());
        String name = service.get().name().toLowerCase(Locale.ROOT) + "-service";
        String query = request.query();
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(upstream.getHost())
                .setPort(upstream.getPort()).setURI(query == null ? path : path + "?" + query)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(config.upstreamIdleTimeout().toMillis());
        if (isChunkedJson(request)) {
            long limit = largeJsonBodyPaths.matcher(path).matches() ? config.maxLargeJsonBodyBytes()
                    : config.maxJsonBodyBytes();
            bufferThenForward(context, options, name, requestId, limit);
            return;
        }
        request.pause();
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                request.resume();
                fail(response, name, connected.cause(), requestId);
                return;
            }
            HttpClientRequest upstreamRequest = connected.result();
            copyRequestHeaders(request.headers(), upstreamRequest.headers());
            upstreamRequest.putHeader("X-Forwarded-For", request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress());
            upstreamRequest.putHeader("X-Forwarded-Host", String.valueOf(request.authority()));
            upstreamRequest.putHeader("X-Forwarded-Proto", request.scheme());
            PacedBody body = pacedBody(request, response, requestId, upstreamRequest::reset);
            response.closeHandler(closed -> {
                body.cancel();
                upstreamRequest.reset();
            });
            upstreamRequest.send(body).onComplete(answered -> {
                if (answered.failed()) {
                    fail(response, name, answered.cause(), requestId);
                    return;
                }
                relay(answered.result(), response);
            });
        });
    }

    /**
     * A JSON body without a declared length: read it (up to the JSON limit) and forward it with its
     * length. Past the limit the client gets a 413 problem here and the connection is closed.
     */
    private void bufferThenForward(RoutingContext context, RequestOptions options, String name, String requestId,
            long limit) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        Buffer body = Buffer.buffer();
        PacedBody paced = pacedBody(request, response, requestId, () -> { });
        response.closeHandler(closed -> paced.cancel());
        paced.handler(chunk -> {
            if (response.ended()) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                paced.pause();
                Problems.sendAndClose(response, 413, "payload_too_large", "Payload too large",
                        "The JSON body is larger than " + limit + " bytes.", requestId);
                return;
            }
            body.appendBuffer(chunk);
        });
        paced.exceptionHandler(broken -> response.reset());
        paced.endHandler(ended -> {
            if (response.ended()) {
                return;
            }
            client.request(options).onComplete(connected -> {
                if (connected.failed()) {
                    fail(response, name, connected.cause(), requestId);
                    return;
                }
                HttpClientRequest upstreamRequest = connected.result();
                copyRequestHeaders(request.headers(), upstreamRequest.headers());
                upstreamRequest.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
                upstreamRequest.putHeader("X-Forwarded-For", request.remoteAddress() == null ? ""
                        : request.remoteAddress().hostAddress());
                upstreamRequest.putHeader("X-Forwarded-Host", String.valueOf(request.authority()));
                upstreamRequest.putHeader("X-Forwarded-Proto", request.scheme());
                response.closeHandler(closed -> upstreamRequest.reset());
                upstreamRequest.send(body).onComplete(answered -> {
                    if (answered.failed()) {
                        fail(response, name, answered.cause(), requestId);
                        return;
                    }
                    relay(answered.result(), response);
                });
            });
        });
        // The router holds requests paused until a handler wants the body.
        paced.resume();
    }

    /**
     * The request's body with the client's silence limited ({@code reigh.gateway.body-read-timeout}): a
     * client that stops sending mid-body gets a 408 problem and loses its connection (when the answer
     * has not started yet; otherwise the exchange is reset), and {@code abandon} lets go of the upstream.
     */
    private PacedBody pacedBody(HttpServerRequest request, HttpServerResponse response, String requestId,
            Runnable abandon) {
        long limitMillis = config.bodyReadTimeout().toMillis();
        return new PacedBody(request, vertx, limitMillis, () -> {
            abandon.run();
            LOG.debugf("request body silent for %d ms: answered 408", limitMillis);
            Problems.sendAndClose(response, 408, "request_timeout", "Request timeout",
                    "The request body stopped arriving for " + config.bodyReadTimeout().toSeconds() + " s.", requestId);
        });
    }

    private static boolean isChunkedJson(HttpServerRequest request) {
        if (request.getHeader(HttpHeaderNames.CONTENT_LENGTH) != null) {
            return false;
        }
        String encoding = request.getHeader(HttpHeaderNames.TRANSFER_ENCODING);
        String type = request.getHeader(HttpHeaderNames.CONTENT_TYPE);
        if (encoding == null || type == null || !encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return false;
        }
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }

    private static long headerBytes(HttpServerRequest request) {
        long total = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            total += header.getKey().length() + header.getValue().length() + 4;
        }
        return total;
    }

    private static void relay(HttpClientResponse upstream, HttpServerResponse response) {
        response.setStatusCode(upstream.statusCode());
        response.setStatusMessage(upstream.statusMessage());
        String requestId = response.headers().get(REQUEST_ID);
        copyHeaders(upstream.headers(), response.headers());
        if (requestId != null) {
            response.headers().set(REQUEST_ID, requestId);
        }
        if (!upstream.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        upstream.exceptionHandler(broken -> response.reset());
        response.send(upstream);
    }

    private static void fail(HttpServerResponse response, String service, Throwable cause, String requestId) {
        if (response.headWritten() || response.ended() || response.closed()) {
            return;
        }
        if (isConnectFailure(cause)) {
            LOG.warnf("%s is unavailable: %s", service, cause.getMessage());
            Problems.send(response, 503, "service_unavailable", "Service unavailable",
                    service + " is unavailable; retry shortly.", requestId);
        } else if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
            Problems.send(response, 504, "gateway_timeout", "Gateway timeout",
                    service + " did not answer in time.", requestId);
        } else {
            LOG.warnf("exchange with %s broke: %s", service, cause.toString());
            Problems.send(response, 502, "bad_gateway", "Bad gateway", service + " gave no valid answer.", requestId);
        }
    }

    private static boolean isConnectFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || String.valueOf(t.getMessage()).contains("Connection refused")
                    || t.getClass().getSimpleName().contains("ConnectTimeout")) {
                return true;
            }
        }
        return cause.getClass().getName().contains("ConnectionPoolTooBusy");
    }

    private static void copyRequestHeaders(MultiMap from, MultiMap to) {
        copyHeaders(from, to, NOT_FORWARDED_UPSTREAM);
    }

    private static void copyHeaders(MultiMap from, MultiMap to) {
        copyHeaders(from, to, HOP_BY_HOP);
    }

    private static void copyHeaders(MultiMap from, MultiMap to, Set<String> notCopied) {
        for (Map.Entry<String, String> header : from) {
            if (!notCopied.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    private static long declaredLength(HttpServerRequest request) {
        String declared = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        try {
            return declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String printable(String path) {
        String shown = path.length() > 200 ? path.substring(0, 200) + "…" : path;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
