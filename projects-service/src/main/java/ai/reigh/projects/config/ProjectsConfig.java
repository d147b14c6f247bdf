package ai.reigh.projects.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * projects-service's own settings ({@code reigh.projects.*}, environment {@code REIGH_PROJECTS_*}).
 * Every collection a user can grow has a cap here: nothing grows without bound.
 */
@ConfigMapping(prefix = "reigh.projects")
public interface ProjectsConfig {

    Limits limits();

    AccessTokens tokens();

    StorageDeletions storageDeletions();

    ApiKeys apiKeys();

    interface Limits {
        @WithDefault("1000")
        int projectsPerUser();

        @WithDefault("1000")
        int shotsPerProject();

        /** Links (positioned and unpositioned) per shot; also bounds the unpaged link list. */
        @WithDefault("1000")
        int linksPerShot();

        @WithDefault("1000")
        int resourcesPerUser();

        @WithDefault("200")
        int trainingBatchesPerUser();

        @WithDefault("500")
        int videosPerBatch();

        @WithDefault("1000")
        int segmentsPerVideo();

        /** Size of one settings or metadata document, serialized. */
        @WithDefault("65536")
        int jsonDocumentBytes();

        // ---- generations and variants ----

        /**
         * Variants of one generation: a user's 422 beyond it; a task's output beyond it becomes a
         * generation of its own (based on the full one), so no output is lost.
         */
        @WithDefault("1000")
        int variantsPerGeneration();
    }

    interface AccessTokens {
        /** Tokens that are neither revoked nor expired. */
        @WithDefault("20")
        int livePerUser();

        /** When the request does not say; a token never lives forever. */
        @WithDefault("90")
        int defaultExpiresInDays();
    }

    /** The relay that delivers {@code storage_deletion_outbox} rows to storage-service. */
    interface StorageDeletions {
        /** Quarkus scheduler syntax ({@code 5s}); {@code off} disables the schedule (tests drive it). */
        @WithDefault("5s")
        String interval();

        /** Object ids per call (storage-service accepts at most 500). */
        @WithDefault("100")
        int batchSize();

        /** Steps one scheduled run may take back to back while it keeps finding full batches. */
        @WithDefault("10")
        int stepsPerRun();

        /** A claimed row is invisible to other relays this long: longer than a call can take. */
        @WithDefault("PT60S")
        Duration claimDuration();

        @WithDefault("PT2S")
        Duration firstRetryDelay();

        /** Backoff doubles per attempt up to this; the relay never gives up on a deletion. */
        @WithDefault("PT1H")
        Duration maxRetryDelay();

        /** Delivered rows are pruned after this. */
        @WithDefault("P7D")
        Duration keepDelivered();

        /** Delivered rows pruned per relay step. */
        @WithDefault("1000")
        int pruneBatchSize();
    }

    /**
     * Users' keys for model providers, encrypted at rest (AES-256-GCM). The keys come from a Secret
     * (environment {@code REIGH_PROJECTS_API_KEYS_ENCRYPTION_KEY}); ./reigh up generates one in
     * {@code .reigh/keys}. Without {@code encryption-key} the API-key routes answer 503.
     */
    interface ApiKeys {
        /** The current key: 32 random bytes, base64. New and re-encrypted rows use it. */
        Optional<String> encryptionKey();

        /** Earlier keys (base64, comma-separated) still able to decrypt, until rotation moved every row. */
        Optional<List<String>> previousEncryptionKeys();

        /** Provider keys per user. */
        @WithDefault("20")
        int perUser();

        /** Re-encryption of rows under a previous key: how often (Quarkus syntax; {@code off} disables it). */
        @WithDefault("1h")
        String rotationInterval();

        /** Rows re-encrypted per transaction. */
        @WithDefault("100")
        int rotationBatchSize();
    }
}
