package ai.reigh.common.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Short-lived {@code service} tokens for internal calls between the services, signed with the
 * platform's service key (on the embedded setup the dev key; in production a key whose public half
 * is in the JWKS the services trust). Cached and renewed a minute before expiry.
 */
@ApplicationScoped
public class ServiceTokens {
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(1);

    private final String keyLocation;
    private final String issuer;
    private final String audience;
    private final String serviceName;
    private volatile PrivateKey key;
    private volatile String token;
    private volatile Instant expiresAt = Instant.EPOCH;

    public ServiceTokens(@ConfigProperty(name = "reigh.auth.service-signing-key-location") String keyLocation,
            @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer,
            @ConfigProperty(name = "mp.jwt.verify.audiences") String audience,
            @ConfigProperty(name = "quarkus.application.name") String serviceName) {
        this.keyLocation = keyLocation;
        this.issuer = issuer;
        this.audience = audience.split(",")[0].trim();
        this.serviceName = serviceName;
    }

    public String bearer() {
        if (Instant.now().isAfter(expiresAt.minus(RENEW_BEFORE))) {
            renew();
        }
        return token;
    }

    private synchronized void renew() {
        if (!Instant.now().isAfter(expiresAt.minus(RENEW_BEFORE))) {
            return;
        }
        Instant expiry = Instant.now().plus(LIFETIME);
        token = Jwt.issuer(issuer).audience(audience).subject("service:" + serviceName)
                .groups(Roles.SERVICE).issuedAt(Instant.now()).expiresAt(expiry).jws().sign(signingKey());
        expiresAt = expiry;
    }

    private PrivateKey signingKey() {
        if (key == null) {
            try {
                String location = keyLocation.startsWith("file:") ? keyLocation.substring(5) : keyLocation;
                key = KeyUtils.decodePrivateKey(Files.readString(Path.of(location)));
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the service signing key at " + keyLocation, e);
            }
        }
        return key;
    }
}
