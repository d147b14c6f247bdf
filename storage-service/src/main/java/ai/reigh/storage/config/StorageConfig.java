package ai.reigh.storage.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** storage-service's own settings ({@code reigh.storage.*}); the buckets are in application.properties. */
@ConfigMapping(prefix = "reigh.storage")
public interface StorageConfig {

    /** Public object URLs are {@code {base}/storage/v1/object/public/{bucket}/{key}} (the gateway by default). */
    @WithDefault("http://localhost:8080")
    String publicBaseUrl();

    /** Lifetime of a presigned PUT handed to a client or worker. */
    @WithDefault("15M")
    Duration uploadUrlExpiry();

    /** Time after the upload URL expired during which the upload may still be confirmed. */
    @WithDefault("15M")
    Duration confirmGrace();

    /** Lifetime of a presigned GET of a private bucket's object. */
    @WithDefault("10M")
    Duration downloadUrlExpiry();

    /** Bytes of ready objects a user may hold (task outputs count but are never refused). */
    @WithDefault("10737418240")
    long userQuotaBytes();

    /** Largest body of a direct upload ({@code POST /v1/storage/buckets/{bucket}/objects}), whatever the bucket. */
    @WithDefault("33554432")
    long directUploadMaxBytes();

    /**
     * Direct uploads without a Content-Length go through the store's multipart upload, which holds one
     * part (5 MiB) in memory: at most this many at once in this instance, the next ones get 503.
     */
    @WithDefault("4")
    int maxConcurrentUnsizedUploads();

    /**
     * Of those, at most this many are one caller's at once: the next one of that caller gets 429
     * {@code too_many_uploads} and never takes another user's slot.
     */
    @WithDefault("2")
    int maxConcurrentUnsizedUploadsPerUser();

    /** A direct upload's body from which nothing arrives for this long is cut (408 {@code upload_too_slow}). */
    @WithDefault("10S")
    Duration directUploadIdleTimeout();

    /**
     * Once a direct upload's body has been waited on for {@link #directUploadRateGrace()}, it must arrive
     * at this many bytes per second of waiting at least, or it is cut (408 {@code upload_too_slow}).
     */
    @WithDefault("4096")
    long directUploadMinBytesPerSecond();

    @WithDefault("10S")
    Duration directUploadRateGrace();

    /** Largest JSON request body; the direct upload route alone takes more. */
    @WithDefault("65536")
    long maxJsonBodyBytes();

    /** The logical bucket that task outputs go to. */
    @WithDefault("public")
    String taskOutputBucket();

    /**
     * Another name of the task-output bucket on the public route: the one the deployed GPU fleet builds
     * its public URLs with ({@code /storage/v1/object/public/image_uploads/{storage_path}}).
     */
    @WithDefault("image_uploads")
    String taskOutputAlias();

    /** Largest inline task output tasks-service may store through the internal route (the fleet's inline files). */
    @WithDefault("4194304")
    long maxInlineTaskOutputBytes();

    /** Logical bucket name (the API's: {@code public}, {@code training-data}, {@code lora_files}) → settings. */
    Map<String, Bucket> buckets();

    Maintenance maintenance();

    interface Bucket {
        /** The S3 bucket behind it (S3 names may not contain '_'). Never change it once objects exist. */
        String physicalName();

        /** Served to anyone by the public route; otherwise only through short-lived presigned GETs. */
        @WithDefault("false")
        boolean publicRead();

        long maxObjectBytes();

        /** Content types accepted; each must be one the service knows an extension for. */
        List<String> allowedContentTypes();

        /** The {@code kind} segment of the keys of user uploads: {@code {owner}/{kind}/{uuid}.{ext}}. */
        @WithDefault("uploads")
        String keyKind();
    }

    interface Maintenance {
        /** How often the pending-upload cleaner, the deletion retrier and the staging sweep run ({@code off} in tests). */
        @WithDefault("60s")
        String every();

        /** Rows (and staging objects, per bucket) each run handles at most. */
        @WithDefault("100")
        int batchSize();

        /** First delay before a failed deletion is tried again; doubles each attempt up to the maximum. */
        @WithDefault("30S")
        Duration retryBaseDelay();

        @WithDefault("1H")
        Duration retryMaxDelay();
    }
}
