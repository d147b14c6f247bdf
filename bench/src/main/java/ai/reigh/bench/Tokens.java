package ai.reigh.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * RS256 tokens signed with the running suite's dev key ({@code .reigh/keys/private.pem}), exactly what
 * {@code ./reigh token} mints: pinned issuer and audience, {@code sub}, {@code groups}.
 */
public final class Tokens {
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    /** Long enough for the longest full run, short enough not to matter if one leaks from a log. */
    private static final Duration LIFETIME = Duration.ofHours(3);

    private final PrivateKey key;
    private final String issuer;
    private final String audience;

    public Tokens(PrivateKey key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
    }

    public static Tokens fromKeyFile(Path pem, String issuer, String audience) {
        try {
            return new Tokens(readPrivateKey(Files.readString(pem)), issuer, audience);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the dev signing key " + pem + " (run ./reigh up first)", e);
        }
    }

    /** A PKCS#8 PEM ({@code openssl genpkey} writes that). */
    static PrivateKey readPrivateKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
    }

    public String user(UUID id) {
        return sign(claims(id.toString(), List.of()).put("email", "bench-" + id + "@reigh-bench.example"));
    }

    /** A cloud worker: claims any owner's tasks. */
    public String cloudWorker(String subject) {
        return sign(claims(subject, List.of("worker")));
    }

    public String service() {
        return sign(claims("service:bench", List.of("service")));
    }

    private JsonObject claims(String subject, List<String> groups) {
        Instant now = Instant.now();
        JsonObject claims = new JsonObject().put("iss", issuer).put("aud", audience).put("sub", subject)
                .put("iat", now.getEpochSecond()).put("exp", now.plus(LIFETIME).getEpochSecond());
        if (!groups.isEmpty()) {
            claims.put("groups", new JsonArray(groups));
        }
        return claims;
    }

    String sign(JsonObject claims) {
        String header = URL.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = URL.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        String input = header + "." + payload;
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }
}
