package ai.reigh.common.auth;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Completes a verified JWT identity with the platform's rules and records the {@link Caller} the
 * services act for (identity attribute {@link TokenAttributes#CALLER}, read by {@link CurrentCaller}):
 * the claims as {@link TokenClaims} read them (a malformed one is a 401); no {@code groups} means
 * {@code user}; an admin is also a user; users and admins must have a UUID subject; a worker token may
 * be bound to one owner ({@code reigh_owner} claim), which makes it a local worker.
 */
@ApplicationScoped
public class RoleAugmentor implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        try {
            return Uni.createFrom().item(augment(identity, TokenClaims.of(jwt)));
        } catch (AuthenticationFailedException refused) {
            return Uni.createFrom().failure(refused);
        }
    }

    private static SecurityIdentity augment(SecurityIdentity identity, TokenClaims claims) {
        // The library read the groups too (they are the identity's roles): both readings must agree.
        if (!identity.getRoles().equals(Set.copyOf(claims.groups()))) {
            throw new AuthenticationFailedException("the token's groups could not be read unambiguously");
        }
        Set<String> roles = new HashSet<>(identity.getRoles());
        boolean noRoles = roles.isEmpty();
        if (noRoles || roles.contains(Roles.ADMIN)) {
            roles.add(Roles.USER);
        }
        UUID userId = TokenClaims.parseUuid(claims.subject());
        if (roles.contains(Roles.USER) && userId == null) {
            throw new AuthenticationFailedException("the token's sub is not a user id");
        }
        boolean worker = roles.contains(Roles.WORKER);
        Optional<UUID> workerOwner = worker ? claims.workerOwner() : Optional.empty();
        Optional<String> workerId = worker ? claims.workerId() : Optional.empty();
        Caller caller = new Caller(claims.subject(), userId, claims.email(), Set.copyOf(roles), workerOwner, workerId,
                Optional.empty(), Optional.of(claims.expiresAt()));
        return QuarkusSecurityIdentity.builder(identity).addRoles(roles).addAttribute(TokenAttributes.CALLER, caller)
                .build();
    }
}
