package ai.reigh.common.auth;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The two token forms the standard JWT mechanism does not read, tried before it:
 * <ul>
 * <li>{@code Authorization: Bearer reigh_pat_…}: a personal access token (where enabled);</li>
 * <li>{@code ?access_token=<JWT>} on the paths listed in {@code reigh.auth.query-token-paths} only
 * (browsers' EventSource cannot send headers), verified exactly like a header token.</li>
 * </ul>
 * Anything else is left to the JWT mechanism.
 */
@ApplicationScoped
public class PlatformTokenMechanism implements HttpAuthenticationMechanism {
    private static final String BEARER = "Bearer ";

    private final boolean personalAccessTokens;
    private final List<String> queryTokenPaths;

    public PlatformTokenMechanism(
            @ConfigProperty(name = "reigh.auth.personal-access-tokens.enabled", defaultValue = "false") boolean personalAccessTokens,
            @ConfigProperty(name = "reigh.auth.query-token-paths") Optional<List<String>> queryTokenPaths) {
        this.personalAccessTokens = personalAccessTokens;
        this.queryTokenPaths = queryTokenPaths.orElse(List.of());
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader("Authorization");
        if (header != null) {
            if (personalAccessTokens && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String token = header.substring(BEARER.length()).trim();
                if (PersonalAccessTokens.looksLikeToken(token)) {
                    return identities.authenticate(
                            HttpSecurityUtils.setRoutingContextAttribute(new PatAuthenticationRequest(token), context));
                }
            }
            return Uni.createFrom().optional(Optional.empty());
        }
        String queryToken = context.request().getParam("access_token");
        if (queryToken != null && queryTokenPaths.contains(context.normalizedPath())) {
            return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                    new TokenAuthenticationRequest(new JsonWebTokenCredential(queryToken)), context));
        }
        return Uni.createFrom().optional(Optional.empty());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(PatAuthenticationRequest.class, TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
