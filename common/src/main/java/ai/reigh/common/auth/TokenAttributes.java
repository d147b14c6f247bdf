package ai.reigh.common.auth;

/** Names of the identity attributes and token claims the platform adds to the standard ones. */
public final class TokenAttributes {
    /**
     * Identity attribute: the {@link Caller}, derived once from the verified credential (a JWT's
     * {@link TokenClaims}, or a personal access token's owner) and the only source of who is calling.
     */
    public static final String CALLER = "reigh.caller";
    /** JWT claim binding a worker token to one user (local worker mode without a PAT). */
    public static final String WORKER_OWNER_CLAIM = "reigh_owner";
    /**
     * JWT claim naming the one worker a worker token speaks for (the deployed fleet's protocol fences
     * its writes by credential: one credential per worker; docs/worker-compat.md).
     */
    public static final String WORKER_ID_CLAIM = "reigh_worker_id";

    private TokenAttributes() {
    }
}
