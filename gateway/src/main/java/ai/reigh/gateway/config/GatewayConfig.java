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
}
