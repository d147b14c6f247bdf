package ai.reigh.storage.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the object store is and how long we wait for it. Every value is overridable by an environment
 * variable ({@code reigh.s3.endpoint} → {@code REIGH_S3_ENDPOINT}).
 */
@ConfigMapping(prefix = "reigh.s3")
public interface S3Config {

    /** The S3 API the service talks to (the embedded S3Proxy by default, MinIO in Kubernetes). */
    @WithDefault("http://127.0.0.1:54330")
    String endpoint();

    /**
     * Where clients (browsers, workers) reach the store. Presigned URLs are signed for this host, so it
     * must be the address clients use; defaults to {@link #endpoint()}.
     */
    Optional<String> publicEndpoint();

    @WithDefault("reigh-dev")
    String accessKey();

    @WithDefault("reigh-dev-secret-key")
    String secretKey();

    /** Set on the client so that it never asks the store for a bucket's location. */
    @WithDefault("us-east-1")
    String region();

    @WithDefault("2S")
    Duration connectTimeout();

    /** Longest silence on a socket (read or write) before an exchange with the store is abandoned. */
    @WithDefault("30S")
    Duration socketTimeout();

    /** Whole-call limit of a metadata operation (HEAD, DELETE, bucket checks). */
    @WithDefault("15S")
    Duration operationTimeout();

    /** Whole-call limit of a transfer (a direct upload streamed to the store). */
    @WithDefault("10M")
    Duration transferTimeout();

    /** Threads that may block on the store at once (the MinIO client is blocking). */
    @WithDefault("16")
    int maxConcurrentOperations();

    /** Operations waiting for a thread beyond that; more are refused with 503 rather than queued forever. */
    @WithDefault("256")
    int maxQueuedOperations();
}
