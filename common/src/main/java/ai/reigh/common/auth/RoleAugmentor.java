package ai.reigh.common.auth;

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
 * Completes a verified JWT identity with the platform's rules: no {@code groups} means {@code user};
 * an admin is also a user; users and admins must have a UUID subject; a worker token may be bound
 * to one owner ({@code reigh_owner} claim), which makes it a local worker.
 */
@ApplicationScoped
public class RoleAugmentor implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder(identity);
        boolean noRoles = identity.getRoles().isEmpty();
        if (noRoles || identity.hasRole(Roles.ADMIN)) {
            builder.addRole(Roles.USER);
        }
        boolean actsAsUser = noRoles || identity.hasRole(Roles.USER) || identity.hasRole(Roles.ADMIN);
        if (actsAsUser && CurrentCaller.parseUuid(jwt.getSubject()) == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the token's sub is not a user id"));
        }
        Object owner = jwt.getClaim(TokenAttributes.WORKER_OWNER_CLAIM);
        if (owner != null && identity.hasRole(Roles.WORKER)) {
            UUID ownerId = CurrentCaller.parseUuid(owner.toString().replace("\"", ""));
            if (ownerId == null) {
                return Uni.createFrom().failure(new AuthenticationFailedException("reigh_owner is not a user id"));
            }
            builder.addAttribute(TokenAttributes.WORKER_OWNER, ownerId);
        }
        return Uni.createFrom().item(builder.build());
    }
}
