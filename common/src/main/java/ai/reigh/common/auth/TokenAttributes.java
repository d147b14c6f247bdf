package ai.reigh.common.auth;

/** Names of the identity attributes and token claims the platform adds to the standard ones. */
public final class TokenAttributes {
    /** Identity attribute: the owner whose tasks a local worker may touch (a UUID). */
    public static final String WORKER_OWNER = "reigh.worker_owner";
    /** JWT claim binding a worker token to one user (local worker mode without a PAT). */
    public static final String WORKER_OWNER_CLAIM = "reigh_owner";

    private TokenAttributes() {
    }
}
