package ai.reigh.gateway.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** The gateway's limits (application.properties documents each default). */
@ConfigMapping(prefix = "reigh.gateway")
public interface GatewayConfig {
    @WithName("connect-timeout")
    Duration connectTimeout();

    @WithName("upstream-idle-timeout")
    Duration upstreamIdleTimeout();

    /**
     * How long a client may take to deliver a request's complete headers, counted from the connection
     * opening or from the previous response's end; then the connection is closed (slowloris).
     */
    @WithName("request-header-timeout")
    Duration requestHeaderTimeout();

    /** How long a request body may stay silent while the gateway wants more of it; then 408 and close. */
    @WithName("body-read-timeout")
    Duration bodyReadTimeout();

    /** How long a connection may see no bytes either way (mid-exchange; between requests the header deadline applies). */
    @WithName("idle-timeout")
    Duration idleTimeout();

    @WithName("max-connections-per-service")
    int maxConnectionsPerService();

    @WithName("max-queued-requests")
    int maxQueuedRequests();

    @WithName("max-body-bytes")
    long maxBodyBytes();

    /** JSON bodies sent without a declared length (chunked) are read up to this many bytes, then forwarded. */
    @WithName("max-json-body-bytes")
    long maxJsonBodyBytes();

    /**
     * The routes whose JSON bodies may be larger (a regular expression on the path: the fleet's
     * complete_task, which carries inline outputs), and their limit when sent chunked.
     */
    @WithName("large-json-body-paths")
    String largeJsonBodyPaths();

    @WithName("max-large-json-body-bytes")
    long maxLargeJsonBodyBytes();

    /** Longest request target (path and query) passed on; longer ones are a 414 problem. */
    @WithName("max-uri-length")
    int maxUriLength();

    /** Largest total size of a request's headers passed on; larger ones are a 431 problem. */
    @WithName("max-header-bytes")
    int maxHeaderBytes();

    /** Where the console's sign-in sends an operator (an identity provider's login); none in development. */
    @WithName("console-login-url")
    Optional<String> consoleLoginUrl();
}
