package ai.reigh.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Personal access tokens: {@code reigh_pat_} + 256 random bits. Only the SHA-256 of the whole token
 * is stored (the secret has full entropy, so a slow hash would add nothing but latency).
 */
public final class PersonalAccessTokens {
    public static final String PREFIX = "reigh_pat_";
    /** Characters of the token shown in lists so that a user can tell tokens apart. */
    public static final int DISPLAY_PREFIX_LENGTH = PREFIX.length() + 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PersonalAccessTokens() {
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static boolean looksLikeToken(String candidate) {
        return candidate != null && candidate.startsWith(PREFIX) && candidate.length() <= 100;
    }

    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    public static String displayPrefix(String token) {
        return token.substring(0, Math.min(token.length(), DISPLAY_PREFIX_LENGTH));
    }
}
