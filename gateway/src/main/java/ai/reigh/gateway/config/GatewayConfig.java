package ai.reigh.gateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** The gateway's limits (application.properties documents each default). */
@ConfigMapping(prefix = "reigh.gateway")
public interface GatewayConfig {
    @WithName("connect-timeout")
    Duration connectTimeout();

    @WithName("upstream-idle-timeout")
    Duration upstreamIdleTimeout();

    @WithName("max-connections-per-service")
    int maxConnectionsPerService();

    @WithName("max-queued-requests")
    int maxQueuedRequests();

    @WithName("max-body-bytes")
    long maxBodyBytes();

    /** JSON bodies sent without a declared length (chunked) are read up to this many bytes, then forwarded. */
    @WithName("max-json-body-bytes")
    long maxJsonBodyBytes();

    /** Longest request target (path and query) passed on; longer ones are a 414 problem. */
    @WithName("max-uri-length")
    int maxUriLength();

    /** Largest total size of a request's headers passed on; larger ones are a 431 problem. */
    @WithName("max-header-bytes")
    int maxHeaderBytes();
}
