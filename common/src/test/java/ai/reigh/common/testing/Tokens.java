package ai.reigh.common.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Test tokens signed with the run's key, with the issuer and audience the services pin. The builder
 * also makes the wrong ones (expired, foreign key, wrong issuer…) that the abuse tests need.
 */
public final class Tokens {
    public static final String ISSUER = "https://auth.reigh.local";
    public static final String AUDIENCE = "reigh-api";

    private Tokens() {
    }

    public static String user(UUID userId) {
        return builder().subject(userId.toString()).claim("email", userId + "@example.test").sign();
    }

    public static String admin(UUID adminId) {
        return builder().subject(adminId.toString()).groups("admin").sign();
    }

    /** A cloud worker: claims any owner's tasks. */
    public static String worker() {
        return builder().subject("worker-" + UUID.randomUUID()).groups("worker").sign();
    }

    /** A worker bound to one user's tasks (local worker mode, like a personal access token). */
    public static String localWorker(UUID ownerId) {
        return builder().subject(ownerId.toString()).groups("worker").claim("reigh_owner", ownerId.toString()).sign();
    }

    /**
     * A cloud worker of the deployed fleet's protocol: its token names its one worker
     * ({@code reigh_worker_id}), as {@code ./reigh token --worker --worker-id <id>} mints it.
     */
    public static String fleetWorker(String workerId) {
        return builder().subject("worker-" + workerId).groups("worker").claim("reigh_worker_id", workerId).sign();
    }

    /** A local worker of the fleet's protocol: bound to one owner's tasks, and naming its worker. */
    public static String localFleetWorker(UUID ownerId, String workerId) {
        return builder().subject(ownerId.toString()).groups("worker").claim("reigh_owner", ownerId.toString())
                .claim("reigh_worker_id", workerId).sign();
    }

    public static String service() {
        return builder().subject("service:test").groups("service").sign();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The claims of a valid token for {@code subject} (issuer, audience, a one-hour expiry), to be
     * changed and signed with {@link #signRaw}: how the tests make claims of the wrong JSON type
     * ({@code "groups": 5}, {@code "sub": {}}), which the builder would coerce or refuse.
     */
    public static Map<String, Object> validClaims(Object subject) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("sub", subject);
        claims.put("iat", now - 1);
        claims.put("exp", now + 3600);
        return claims;
    }

    /** {@code claims} exactly as given (any JSON types), signed RS256 with the run's key. */
    public static String signRaw(Map<String, Object> claims) {
        return signRaw(claims, TestKeys.shared().pair().getPrivate());
    }

    public static String signRaw(Map<String, Object> claims, PrivateKey key) {
        try {
            return signPayload(new ObjectMapper().writeValueAsString(claims), key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write test claims", e);
        }
    }

    /** A payload written by hand (duplicate members, odd spacing), signed RS256 with the run's key. */
    public static String signPayload(String payloadJson) {
        return signPayload(payloadJson, TestKeys.shared().pair().getPrivate());
    }

    static String signPayload(String payloadJson, PrivateKey key) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String input = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + base64.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign test claims", e);
        }
    }

    public static final class Builder {
        private String subject = UUID.randomUUID().toString();
        private String issuer = ISSUER;
        private String audience = AUDIENCE;
        private Set<String> groups = Set.of();
        private Duration ttl = Duration.ofHours(1);
        private Instant notBefore;
        private final Map<String, Object> claims = new LinkedHashMap<>();

        public Builder subject(String value) {
            subject = value;
            return this;
        }

        public Builder noSubject() {
            subject = null;
            return this;
        }

        public Builder issuer(String value) {
            issuer = value;
            return this;
        }

        public Builder audience(String value) {
            audience = value;
            return this;
        }

        public Builder groups(String... values) {
            groups = Set.of(values);
            return this;
        }

        /** Negative: an already expired token. */
        public Builder ttl(Duration value) {
            ttl = value;
            return this;
        }

        public Builder notBefore(Instant value) {
            notBefore = value;
            return this;
        }

        public Builder claim(String name, Object value) {
            claims.put(name, value);
            return this;
        }

        public String sign() {
            return signWith(TestKeys.shared().pair().getPrivate());
        }

        public String signWith(PrivateKey key) {
            Instant now = Instant.now();
            JwtClaimsBuilder jwt = Jwt.issuer(issuer).audience(audience).issuedAt(now.minusSeconds(1))
                    .expiresAt(now.plus(ttl));
            if (subject != null) {
                jwt.subject(subject);
            }
            if (!groups.isEmpty()) {
                jwt.groups(groups);
            }
            if (notBefore != null) {
                jwt.claim("nbf", notBefore.getEpochSecond());
            }
            claims.forEach((name, value) -> jwt.claim(name, value instanceof List<?> list ? list : value));
            return jwt.jws().sign(key);
        }
    }
}
