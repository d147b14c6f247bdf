package ai.reigh.projects.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.ApiKeyRepository;
import ai.reigh.projects.repository.ApiKeyRepository.SealedRow;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Rotation of the API-key encryption key: configure the new key as {@code encryption-key} and the old
 * one in {@code previous-encryption-keys}; this job re-encrypts, batch by batch, every row still under
 * a previous key, after which the old key can be removed. Each batch is one transaction whose rows are
 * locked ({@code FOR UPDATE SKIP LOCKED}: replicas share the work) and updated only if still under
 * the key they were read with. Rows under a key this server does not know are counted and logged by
 * count, never touched: removing a key too early makes them unreadable, not lost.
 */
@ApplicationScoped
public class ApiKeyRotation {
    private static final Logger LOG = Logger.getLogger(ApiKeyRotation.class);

    /** What one batch did. */
    public record Outcome(int reEncrypted, long unknownKey) {
    }

    private final Db db;
    private final ApiKeyRepository keys;
    private final ApiKeyCipher cipher;
    private final ProjectsConfig.ApiKeys settings;

    public ApiKeyRotation(Db db, ApiKeyRepository keys, ApiKeyCipher cipher, ProjectsConfig config) {
        this.db = db;
        this.keys = keys;
        this.cipher = cipher;
        this.settings = config.apiKeys();
    }

    void warnWhenUnconfigured(@Observes StartupEvent started) {
        if (!cipher.isConfigured() && LaunchMode.current() == LaunchMode.NORMAL) {
            LOG.warn("reigh.projects.api-keys.encryption-key is not set: the API-key routes answer 503 until it is "
                    + "(REIGH_PROJECTS_API_KEYS_ENCRYPTION_KEY, base64 of 32 random bytes, from a Secret).");
        }
    }

    @Scheduled(identity = "api-key-rotation", every = "${reigh.projects.api-keys.rotation-interval:1h}",
            delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> run() {
        if (!cipher.isConfigured() || cipher.knownKeyIds().size() < 2) {
            return Uni.createFrom().voidItem();
        }
        return drain(100).onFailure()
                .invoke(failure -> LOG.warnf("API key re-encryption failed: %s", failure.getClass().getName()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Batches back to back while they find full batches, at most {@code batchesLeft} (a bounded run). */
    private Uni<Void> drain(int batchesLeft) {
        return reEncryptBatch().chain(outcome -> {
            if (outcome.reEncrypted() >= settings.rotationBatchSize() && batchesLeft > 1) {
                return drain(batchesLeft - 1);
            }
            if (outcome.unknownKey() > 0) {
                LOG.warnf("%d API keys are encrypted under a key this server does not have", outcome.unknownKey());
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** One batch: re-encrypts up to {@code rotation-batch-size} rows under previous keys. */
    public Uni<Outcome> reEncryptBatch() {
        cipher.requireConfigured();
        List<String> previous = cipher.knownKeyIds().stream().filter(id -> !id.equals(cipher.activeKeyId())).toList();
        return db.inTransaction(Actor.service(), connection -> {
            Uni<Integer> reEncrypted = previous.isEmpty() ? Uni.createFrom().item(0)
                    : keys.lockUnderKeys(connection, previous, settings.rotationBatchSize())
                            .chain(rows -> reseal(connection, rows));
            return reEncrypted.chain(count -> keys.countUnderOtherKeys(connection, cipher.knownKeyIds())
                    .map(unknown -> new Outcome(count, unknown)));
        });
    }

    private Uni<Integer> reseal(io.vertx.mutiny.sqlclient.SqlConnection connection, List<SealedRow> rows) {
        Uni<Integer> done = Uni.createFrom().item(0);
        for (SealedRow row : rows) {
            done = done.chain(sum -> {
                var plaintext = cipher.tryDecrypt(row.userId(), row.service(), row.ciphertext(), row.nonce(), row.keyId());
                if (plaintext.isEmpty()) {
                    // A damaged row stays as it is (and is reported), it does not stop the others.
                    LOG.warnf("the API key %s of user %s does not decrypt under key %s", row.service(), row.userId(),
                            row.keyId());
                    return Uni.createFrom().item(sum);
                }
                ApiKeyCipher.Sealed sealed = cipher.encrypt(row.userId(), row.service(), plaintext.get());
                return keys.reseal(connection, row, sealed.ciphertext(), sealed.nonce(), sealed.keyId())
                        .map(updated -> sum + updated);
            });
        }
        return done;
    }
}
