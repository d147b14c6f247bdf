package ai.reigh.common.auth;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A personal access token acts as a {@code worker} scoped to its owner's tasks (local worker mode).
 * The lookup is {@code reigh_authenticate_pat}, which only tasks-service and storage-service may call.
 */
@ApplicationScoped
public class PatIdentityProvider implements IdentityProvider<PatAuthenticationRequest> {
    private final Db db;

    public PatIdentityProvider(Db db) {
        this.db = db;
    }

    @Override
    public Class<PatAuthenticationRequest> getRequestType() {
        return PatAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(PatAuthenticationRequest request, AuthenticationRequestContext context) {
        String hash = PersonalAccessTokens.hash(request.token());
        return db.inTransaction(Actor.service(), connection -> connection
                .preparedQuery("SELECT reigh_authenticate_pat($1) AS owner").execute(Tuple.of(hash)))
                .map(rows -> {
                    UUID owner = rows.iterator().next().getUUID("owner");
                    if (owner == null) {
                        throw new AuthenticationFailedException("unknown, expired or revoked personal access token");
                    }
                    // No expiry here: the token's own (expires_at) is checked by the lookup on every request.
                    Caller caller = new Caller(owner.toString(), owner, Optional.empty(), Set.of(Roles.WORKER),
                            Optional.of(owner), Optional.empty(), Optional.of(hash), Optional.empty());
                    return (SecurityIdentity) QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal(owner.toString()))
                            .addRole(Roles.WORKER)
                            .addAttribute(TokenAttributes.CALLER, caller)
                            .build();
                });
    }
}
