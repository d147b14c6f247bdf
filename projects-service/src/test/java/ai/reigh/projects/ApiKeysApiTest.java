package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import ai.reigh.projects.service.ApiKeyCipher;
import ai.reigh.projects.service.ApiKeyRotation;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/**
 * A user's keys for model providers: written, never read back. Stored encrypted (AES-256-GCM under a
 * key from configuration, bound to the user and the service), shown as a mask, in no answer and no log
 * line; rows under an older key are re-encrypted under the current one.
 */
@QuarkusTest
class ApiKeysApiTest {
    @Inject
    ApiKeyRotation rotation;

    @Inject
    ApiKeyCipher cipher;

    private static String secret() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return "sk-test-" + HexFormat.of().formatHex(random);
    }

    /** Every log record of the process while {@code body} runs (the services log through JUL). */
    private static List<String> logLinesDuring(Runnable body) {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
                if (record.getParameters() != null) {
                    for (Object parameter : record.getParameters()) {
                        line.append(' ').append(parameter);
                    }
                }
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    line.append(' ').append(t);
                }
                synchronized (lines) {
                    lines.add(line.toString());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            body.run();
        } finally {
            root.removeHandler(capture);
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Test
    void aKeyIsWrittenMaskedListedReplacedAndDeletedButNeverReturned() {
        User user = Fixtures.user();
        String key = secret();
        List<Response> answers = new ArrayList<>();
        List<String> logs = logLinesDuring(() -> {
            Response created = Api.as(user.token()).body(Map.of("key", key, "metadata", Map.of("label", "mine")))
                    .put("/v1/me/api-keys/openai");
            created.then().statusCode(201).body("service", equalTo("openai"))
                    .body("masked", equalTo("sk-…" + key.substring(key.length() - 4))).body("metadata.label", equalTo("mine"));
            answers.add(created);
            answers.add(Api.as(user.token()).get("/v1/me/api-keys/openai"));
            answers.add(Api.as(user.token()).get("/v1/me/api-keys"));
            answers.add(Api.as(user.token()).get("/v1/me"));
            // Error paths must not echo the key either: a malformed body, an unknown field, a bad service.
            answers.add(Api.as(user.token()).body("{\"key\": " + key + "}").put("/v1/me/api-keys/openai"));
            answers.add(Api.as(user.token()).body(Map.of("key", key, "value", key)).put("/v1/me/api-keys/openai"));
            answers.add(Api.as(user.token()).body(Map.of("key", key)).put("/v1/me/api-keys/Open%20AI"));
            answers.add(Api.as(user.token()).body(Map.of("key", key + " " + key)).put("/v1/me/api-keys/openai"));
        });
        assertThat(answers.get(1).statusCode()).isEqualTo(200);
        answers.get(2).then().statusCode(200).body("items", hasSize(1)).body("items[0].service", equalTo("openai"));
        assertThat(answers.subList(4, 8)).extracting(Response::statusCode).containsOnly(400);
        for (Response answer : answers) {
            assertThat(answer.asString()).doesNotContain(key).doesNotContain(key.substring(8, 30));
        }
        assertThat(logs).noneMatch(line -> line.contains(key) || line.contains(key.substring(8, 30)));

        // At rest: ciphertext and nonce, never the key (nor its hex or base64).
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            List<Object> row = sql.query("SELECT ciphertext, nonce, key_id, masked, row_to_json(k)::text FROM user_api_keys k"
                    + " WHERE user_id = ? AND service = 'openai'", user.id()).get(0);
            assertThat((byte[]) row.get(1)).hasSize(12);
            assertThat(new String((byte[]) row.get(0), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(key);
            assertThat((String) row.get(4)).doesNotContain(key).doesNotContain(
                    Base64.getEncoder().encodeToString(key.getBytes())).doesNotContain(HexFormat.of().formatHex(key.getBytes()));
            assertThat(row.get(2)).isEqualTo(cipher.activeKeyId());
            assertThat(cipher.decrypt(user.id(), "openai", (byte[]) row.get(0), (byte[]) row.get(1), (String) row.get(2)))
                    .isEqualTo(key);
            // Bound to its row: the same ciphertext read as another user's or another service's fails.
            assertThat(cipher.tryDecrypt(UUID.randomUUID(), "openai", (byte[]) row.get(0), (byte[]) row.get(1),
                    (String) row.get(2))).isEmpty();
            assertThat(cipher.tryDecrypt(user.id(), "fal", (byte[]) row.get(0), (byte[]) row.get(1), (String) row.get(2)))
                    .isEmpty();
        }

        String replacement = secret();
        Api.as(user.token()).body(Map.of("key", replacement)).put("/v1/me/api-keys/openai").then().statusCode(200)
                .body("masked", equalTo("sk-…" + replacement.substring(replacement.length() - 4)));
        Api.as(user.token()).delete("/v1/me/api-keys/openai").then().statusCode(204);
        Api.as(user.token()).get("/v1/me/api-keys/openai").then().statusCode(404);
        Api.as(user.token()).delete("/v1/me/api-keys/openai").then().statusCode(204);
        Api.as(user.token()).get("/v1/me/api-keys").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void keysAreEachUsersOwnAndBounded() {
        User owner = Fixtures.user();
        User stranger = Fixtures.user();
        Api.as(owner.token()).body(Map.of("key", secret())).put("/v1/me/api-keys/fal").then().statusCode(201);
        Api.as(stranger.token()).get("/v1/me/api-keys/fal").then().statusCode(404);
        Api.as(stranger.token()).get("/v1/me/api-keys").then().statusCode(200).body("items", hasSize(0));
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsUser(stranger.id())) {
            assertThat(sql.count("SELECT count(*) FROM user_api_keys WHERE user_id = ?", owner.id())).isZero();
        }
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("key", "short"), Map.of("key", "x".repeat(5000)),
                Map.of("key", "tab\tinside-a-key-value"), Map.of("metadata", Map.of("a", 1)),
                Map.of("key", secret(), "metadata", "text"))) {
            Api.as(owner.token()).body(bad).put("/v1/me/api-keys/fal").then().statusCode(400)
                    .body("code", equalTo("validation_failed"));
        }
        for (int i = 0; i < 19; i++) {
            Api.as(owner.token()).body(Map.of("key", secret())).put("/v1/me/api-keys/provider-" + i).then().statusCode(201);
        }
        Api.as(owner.token()).body(Map.of("key", secret())).put("/v1/me/api-keys/one-too-many").then().statusCode(422)
                .body("code", equalTo("quota_exceeded"));
        // Replacing an existing one is always possible.
        Api.as(owner.token()).body(Map.of("key", secret())).put("/v1/me/api-keys/fal").then().statusCode(200);
    }

    @Test
    void rowsUnderAPreviousKeyAreReEncryptedUnderTheCurrentOne() {
        User user = Fixtures.user();
        Api.as(user.token()).get("/v1/me").then().statusCode(200);
        String key = secret();
        // The test profile lists a previous key: encrypt as a server still on that key would have.
        String previous = ConfigProvider.getConfig()
                .getValue("reigh.projects.api-keys.previous-encryption-keys", String.class).split(",")[0];
        ApiKeyCipher old = ApiKeyCipher.of(previous, List.of());
        ApiKeyCipher.Sealed sealed = old.encrypt(user.id(), "replicate", key);
        assertThat(sealed.keyId()).isNotEqualTo(cipher.activeKeyId());
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO user_api_keys (user_id, service, ciphertext, nonce, key_id, masked) VALUES (?, ?, ?, ?, ?, ?)",
                    user.id(), "replicate", sealed.ciphertext(), sealed.nonce(), sealed.keyId(), "r8_…" + key.substring(key.length() - 4));
            // A row under a key this server does not know is left alone (and counted), never destroyed.
            sql.update("INSERT INTO user_api_keys (user_id, service, ciphertext, nonce, key_id, masked) VALUES (?, ?, ?, ?, ?, ?)",
                    user.id(), "lost", new byte[32], new byte[12], "0000000000000000", "…0000");
        }
        ApiKeyRotation.Outcome outcome = rotation.reEncryptBatch().await().indefinitely();
        assertThat(outcome.reEncrypted()).isGreaterThanOrEqualTo(1);
        assertThat(outcome.unknownKey()).isGreaterThanOrEqualTo(1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            List<Object> row = sql.query("SELECT ciphertext, nonce, key_id FROM user_api_keys WHERE user_id = ? AND service = 'replicate'",
                    user.id()).get(0);
            assertThat(row.get(2)).isEqualTo(cipher.activeKeyId());
            assertThat(cipher.decrypt(user.id(), "replicate", (byte[]) row.get(0), (byte[]) row.get(1), (String) row.get(2)))
                    .isEqualTo(key);
            assertThat(sql.count("SELECT count(*) FROM user_api_keys WHERE user_id = ? AND service = 'lost'"
                    + " AND key_id = '0000000000000000'", user.id())).isEqualTo(1);
        }
        Api.as(user.token()).get("/v1/me/api-keys/replicate").then().statusCode(200)
                .body("masked", equalTo("r8_…" + key.substring(key.length() - 4)));
    }
}
