package ai.reigh.credits.service;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import ai.reigh.common.error.ProblemException;

/**
 * Stripe's webhook signature scheme: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=...]},
 * {@code v1 = HMAC-SHA256(secret, t + "." + raw body)}. Several {@code v1} appear while a secret is
 * being rolled; one match is enough. The timestamp must be within the tolerance of now, in either
 * direction, so a captured delivery cannot be replayed later.
 */
public final class StripeSignature {
    /** A real header has one t and one or two v1 (plus v0 in test mode); more is not Stripe. */
    static final int MAX_HEADER_ITEMS = 16;
    static final int MAX_HEADER_LENGTH = 2048;
    private static final String ALGORITHM = "HmacSHA256";

    private StripeSignature() {
    }

    public static void verify(String header, byte[] payload, String secret, long toleranceSeconds, Instant now) {
        if (header == null || header.isBlank()) {
            throw invalid("The Stripe-Signature header is missing.");
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            throw invalid("The Stripe-Signature header is malformed.");
        }
        Long timestamp = null;
        List<String> signatures = new ArrayList<>();
        String[] items = header.split(",", MAX_HEADER_ITEMS + 1);
        if (items.length > MAX_HEADER_ITEMS) {
            throw invalid("The Stripe-Signature header is malformed.");
        }
        for (String item : items) {
            int equals = item.indexOf('=');
            if (equals <= 0) {
                throw invalid("The Stripe-Signature header is malformed.");
            }
            String key = item.substring(0, equals).trim();
            String value = item.substring(equals + 1).trim();
            if ("t".equals(key)) {
                timestamp = parseTimestamp(value);
            } else if ("v1".equals(key)) {
                signatures.add(value);
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw invalid("The Stripe-Signature header has no timestamp or no v1 signature.");
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > toleranceSeconds) {
            throw invalid("The signature's timestamp is outside the tolerance.");
        }
        byte[] expected = HexFormat.of().formatHex(hmac(secret, timestamp + ".", payload))
                .getBytes(StandardCharsets.US_ASCII);
        for (String signature : signatures) {
            // Constant time: the comparison must not tell an attacker how many characters matched.
            if (MessageDigest.isEqual(expected, signature.toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
                return;
            }
        }
        throw invalid("No signature matches the payload.");
    }

    /** The header value Stripe would send for {@code payload} at {@code timestamp} (tests, tooling). */
    public static String header(String secret, long timestamp, byte[] payload) {
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(hmac(secret, timestamp + ".", payload));
    }

    private static Long parseTimestamp(String value) {
        if (value.isEmpty() || value.length() > 12 || !value.chars().allMatch(Character::isDigit)) {
            throw invalid("The Stripe-Signature timestamp is malformed.");
        }
        return Long.parseLong(value);
    }

    private static byte[] hmac(String secret, String prefix, byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(payload);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    private static ProblemException invalid(String detail) {
        return ProblemException.badRequest(CreditsErrors.INVALID_SIGNATURE, detail);
    }
}
