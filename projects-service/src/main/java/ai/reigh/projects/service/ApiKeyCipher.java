package ai.reigh.projects.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.config.ProjectsConfig;
import io.quarkus.runtime.Startup;

/**
 * AES-256-GCM of users' provider keys under keys from configuration. Each encryption has a fresh
 * random 96-bit nonce; the user and the service are the associated data, so a ciphertext only
 * decrypts in its own row. A key is named by a digest of it ({@code key_id}), which lets rows
 * encrypted under a previous key be found and re-encrypted ({@link ApiKeyRotation}).
 *
 * <p>A malformed key in the configuration fails the start (eager bean): a typo must not surface as
 * unreadable rows later. No key at all leaves the feature off: its routes answer 503.
 */
@Singleton
@Startup
public class ApiKeyCipher {
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sealed value: what a row stores. */
    public record Sealed(byte[] ciphertext, byte[] nonce, String keyId) {
    }

    /** Keys by id; the first is the active one. Empty when none is configured. */
    private final Map<String, SecretKeySpec> keys;
    private final String activeKeyId;

    @Inject
    public ApiKeyCipher(ProjectsConfig config) {
        this(config.apiKeys().encryptionKey().orElse(null), config.apiKeys().previousEncryptionKeys().orElse(List.of()));
    }

    private ApiKeyCipher(String active, List<String> previous) {
        keys = new LinkedHashMap<>();
        if (active == null || active.isBlank()) {
            if (!previous.isEmpty()) {
                throw new IllegalStateException("reigh.projects.api-keys.previous-encryption-keys is set without "
                        + "reigh.projects.api-keys.encryption-key");
            }
            activeKeyId = null;
            return;
        }
        activeKeyId = add("reigh.projects.api-keys.encryption-key", active);
        for (String key : previous) {
            add("reigh.projects.api-keys.previous-encryption-keys", key);
        }
    }

    /** A cipher from base64 keys (the active one first), outside CDI: tools and tests. */
    public static ApiKeyCipher of(String activeKey, List<String> previousKeys) {
        return new ApiKeyCipher(activeKey, previousKeys);
    }

    private String add(String setting, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            // Never the value itself in the message: it is a secret.
            throw new IllegalStateException(setting + " is not base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(setting + " must be " + KEY_BYTES + " bytes (base64 of 32 random bytes)");
        }
        String id = keyId(bytes);
        keys.putIfAbsent(id, new SecretKeySpec(bytes, "AES"));
        return id;
    }

    /** The first 8 bytes of a SHA-256 of the key, hex: names the key without revealing it. */
    static String keyId(byte[] key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("reigh-api-key-encryption:".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public boolean isConfigured() {
        return activeKeyId != null;
    }

    /** The id rows get when they are encrypted now; null when no key is configured. */
    public String activeKeyId() {
        return activeKeyId;
    }

    /** Every key id this server can decrypt. */
    public List<String> knownKeyIds() {
        return List.copyOf(keys.keySet());
    }

    /** 503 while no key is configured (the operator's fix is a setting, not the client's). */
    public void requireConfigured() {
        if (!isConfigured()) {
            throw ProblemException.unavailable("Storage of API keys is not configured on this server.");
        }
    }

    public Sealed encrypt(UUID userId, String service, String plaintext) {
        requireConfigured();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(userId, service));
            return new Sealed(cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)), nonce, activeKeyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** The plaintext; an unknown key id or a ciphertext that does not authenticate is an exception. */
    public String decrypt(UUID userId, String service, byte[] ciphertext, byte[] nonce, String keyId) {
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("no configured key has id " + keyId);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(userId, service));
            return new String(cipher.doFinal(ciphertext), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the ciphertext of " + service + " does not authenticate under key " + keyId);
        }
    }

    public Optional<String> tryDecrypt(UUID userId, String service, byte[] ciphertext, byte[] nonce, String keyId) {
        try {
            return Optional.of(decrypt(userId, service, ciphertext, nonce, keyId));
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static byte[] associatedData(UUID userId, String service) {
        return ("reigh-api-key:v1:" + userId + ":" + service).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What the user is shown: a provider's prefix ({@code sk-}, {@code hf_}, {@code r8_}: up to and
     * including a '-' or '_' among the first four characters) and the last four characters.
     */
    public static String mask(String plaintext) {
        String prefix = "";
        for (int i = 0; i < Math.min(4, plaintext.length()); i++) {
            char c = plaintext.charAt(i);
            if (c == '-' || c == '_') {
                prefix = plaintext.substring(0, i + 1);
                break;
            }
        }
        return prefix + "…" + plaintext.substring(plaintext.length() - 4);
    }
}
