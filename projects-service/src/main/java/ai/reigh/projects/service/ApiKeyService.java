package ai.reigh.projects.service;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.ApiKeyRepository;
import ai.reigh.projects.repository.ApiKeyRepository.Upserted;
import ai.reigh.projects.repository.ApiKeyRow;
import ai.reigh.projects.repository.QuotaLock;
import ai.reigh.projects.repository.UserRepository;
import io.smallrye.mutiny.Uni;

/**
 * A user's keys for model providers: set (create or replace), shown masked, deleted; never read back.
 * The key is encrypted before the transaction starts and never reaches a log line: this class logs
 * nothing, and no exception it raises carries the value.
 */
@ApplicationScoped
public class ApiKeyService {
    /** A provider's name: fal, openai, replicate, huggingface, ... */
    public static final Pattern SERVICE = Pattern.compile("[a-z0-9_-]{1,50}");
    /** Keys are visible ASCII, no whitespace: 16 to 4096 characters. */
    static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{16,4096}");
    static final int METADATA_BYTES = 4096;

    private final Db db;
    private final UserRepository users;
    private final ApiKeyRepository keys;
    private final QuotaLock quotas;
    private final ApiKeyCipher cipher;
    private final ProjectsConfig config;

    public ApiKeyService(Db db, UserRepository users, ApiKeyRepository keys, QuotaLock quotas, ApiKeyCipher cipher,
            ProjectsConfig config) {
        this.db = db;
        this.users = users;
        this.keys = keys;
        this.quotas = quotas;
        this.cipher = cipher;
        this.config = config;
    }

    public Uni<List<ApiKeyRow>> list(Caller caller) {
        cipher.requireConfigured();
        return db.inTransaction(caller.asUser(),
                connection -> keys.list(connection, caller.requireUserId(), config.apiKeys().perUser()));
    }

    public Uni<ApiKeyRow> get(Caller caller, String service) {
        requireService(service);
        cipher.requireConfigured();
        return db.inTransaction(caller.asUser(), connection -> keys.find(connection, caller.requireUserId(), service))
                .map(row -> {
                    if (row == null) {
                        throw ProblemException.notFound("API key");
                    }
                    return row;
                });
    }

    /** Creates (created = true) or replaces the key of {@code service}; {@code metadata} replaces too. */
    public Uni<Upserted> put(Caller caller, String service, String key, JsonNode metadata) {
        requireService(service);
        if (key == null || !KEY.matcher(key).matches()) {
            // The message never repeats the value: it is a secret even when it is malformed.
            throw ProblemException.validation("key", "must be 16 to 4096 visible ASCII characters without spaces");
        }
        Inputs.requireObjectOrAbsent("metadata", metadata, METADATA_BYTES);
        UUID me = caller.requireUserId();
        ApiKeyCipher.Sealed sealed = cipher.encrypt(me, service, key);
        String masked = ApiKeyCipher.mask(key);
        return db.inTransaction(caller.asUser(), connection -> users.ensure(connection, me, caller.email().orElse(null))
                .chain(() -> quotas.lock(connection, QuotaLock.API_KEYS, me))
                .chain(() -> keys.countOthers(connection, me, service))
                .invoke(others -> Quotas.requireRoom(others, config.apiKeys().perUser(), "API keys"))
                .chain(() -> keys.upsert(connection, me, service, sealed.ciphertext(), sealed.nonce(), sealed.keyId(),
                        masked, metadata == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                                : metadata)));
    }

    /** Idempotent: no key is the same end state as a deleted one. */
    public Uni<Void> delete(Caller caller, String service) {
        requireService(service);
        return db.inTransaction(caller.asUser(), connection -> keys.delete(connection, caller.requireUserId(), service))
                .replaceWithVoid();
    }

    static void requireService(String service) {
        if (service == null || !SERVICE.matcher(service).matches()) {
            throw ProblemException.validation("service", "must be 1-50 of a-z, 0-9, _ and -");
        }
    }
}
