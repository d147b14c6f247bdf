package ai.reigh.common.auth;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/** The caller of the current request, built once from the verified identity. */
@RequestScoped
public class CurrentCaller {
    private final SecurityIdentity identity;
    private Caller caller;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Caller get() {
        if (caller == null) {
            caller = from(identity);
        }
        return caller;
    }

    static Caller from(SecurityIdentity identity) {
        String subject = identity.getPrincipal() == null ? null : identity.getPrincipal().getName();
        Optional<String> email = Optional.empty();
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            email = Optional.ofNullable(jwt.getClaim("email")).map(Object::toString);
        }
        UUID owner = identity.getAttribute(TokenAttributes.WORKER_OWNER);
        return new Caller(subject, parseUuid(subject), email, Set.copyOf(identity.getRoles()),
                Optional.ofNullable(owner));
    }

    static UUID parseUuid(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
