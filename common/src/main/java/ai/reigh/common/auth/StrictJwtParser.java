package ai.reigh.common.auth;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The library's JWT parser, with every failure to read a verified token's claims turned into a
 * refusal (401). The library casts claims to the types it expects: {@code "groups": 5} or
 * {@code "groups": {}} failed with a ClassCastException, which the authentication layer does not
 * treat as a bad token, so the caller got a 500. Here any runtime failure of the parse is a
 * {@link ParseException}, which the validator answers with 401; the types of the claims the platform
 * reads are then checked once more, strictly, by {@link TokenClaims}.
 * <p>
 * A token verified once is kept for its caller's next requests ({@link VerifiedTokenCache}: bounded,
 * never used past the token's expiry; {@code reigh.auth.verified-tokens.*}).
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class StrictJwtParser extends DefaultJWTParser {

    private final VerifiedTokenCache verified;
    private final long clockSkewMillis;
    private final Long maxTokenAgeSeconds;

    /** For the container's proxy only. */
    StrictJwtParser() {
        super();
        this.verified = null;
        this.clockSkewMillis = 0;
        this.maxTokenAgeSeconds = null;
    }

    @Inject
    public StrictJwtParser(JWTAuthContextInfo authContextInfo,
            @ConfigProperty(name = "reigh.auth.verified-tokens.max-entries") int maxEntries,
            @ConfigProperty(name = "reigh.auth.verified-tokens.max-age") Duration maxAge) {
        super(authContextInfo);
        // The same tolerance the verification itself gives an expired token.
        int skewSeconds = authContextInfo.getExpGracePeriodSecs() > 0 ? authContextInfo.getExpGracePeriodSecs()
                : authContextInfo.getClockSkew();
        this.clockSkewMillis = skewSeconds * 1000L;
        this.maxTokenAgeSeconds = authContextInfo.getTokenAge();
        this.verified = new VerifiedTokenCache(maxEntries, maxAge.toMillis(), System::currentTimeMillis);
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken known = verified.get(token);
        if (known != null) {
            return known;
        }
        JsonWebToken parsed;
        try {
            parsed = super.parse(token);
        } catch (RuntimeException unreadable) {
            throw new ParseException("the token's claims cannot be read: " + unreadable.getClass().getSimpleName(),
                    unreadable);
        }
        verified.put(token, parsed, refusedFromMillis(parsed));
        return parsed;
    }

    /** When a fresh verification would first refuse this token: its expiry, or its age limit if one is set. */
    private long refusedFromMillis(JsonWebToken token) {
        long refusedFrom = token.getExpirationTime() * 1000 + clockSkewMillis;
        if (maxTokenAgeSeconds != null) {
            refusedFrom = Math.min(refusedFrom, (token.getIssuedAtTime() + maxTokenAgeSeconds) * 1000 + clockSkewMillis);
        }
        return refusedFrom;
    }
}
