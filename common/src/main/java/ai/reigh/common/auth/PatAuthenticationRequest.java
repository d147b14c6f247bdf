package ai.reigh.common.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer personal access token, to be checked against its stored hash. */
public class PatAuthenticationRequest extends BaseAuthenticationRequest {
    private final String token;

    public PatAuthenticationRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
