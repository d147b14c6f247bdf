package ai.reigh.common.auth;

/** The roles of the {@code groups} claim. A token without groups is a {@code user}. */
public final class Roles {
    public static final String USER = "user";
    /** A GPU worker: cloud (any owner's tasks) or local (a personal access token: its owner's only). */
    public static final String WORKER = "worker";
    public static final String ADMIN = "admin";
    /** Another service of the platform (internal calls). */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
