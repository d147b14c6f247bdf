package ai.reigh.common.auth;

import jakarta.enterprise.context.RequestScoped;

import ai.reigh.common.error.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The caller of the current request: the {@link Caller} that authentication derived from the verified
 * credential ({@link RoleAugmentor} for JWTs, {@link PatIdentityProvider} for personal access tokens).
 * Never the principal's name, which for a JWT is {@code upn} or {@code preferred_username} before
 * {@code sub} (see {@link TokenClaims}); an identity without a caller is not signed in (401).
 */
@RequestScoped
public class CurrentCaller {
    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Caller get() {
        return from(identity);
    }

    static Caller from(SecurityIdentity identity) {
        Caller caller = identity.getAttribute(TokenAttributes.CALLER);
        if (caller == null) {
            throw ProblemException.unauthorized("A valid bearer token is required.");
        }
        return caller;
    }
}
