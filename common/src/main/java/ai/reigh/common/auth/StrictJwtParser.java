package ai.reigh.common.auth;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

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
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class StrictJwtParser extends DefaultJWTParser {

    /** For the container's proxy only. */
    StrictJwtParser() {
        super();
    }

    @Inject
    public StrictJwtParser(JWTAuthContextInfo authContextInfo) {
        super(authContextInfo);
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        try {
            return super.parse(token);
        } catch (RuntimeException unreadable) {
            throw new ParseException("the token's claims cannot be read: " + unreadable.getClass().getSimpleName(),
                    unreadable);
        }
    }
}
