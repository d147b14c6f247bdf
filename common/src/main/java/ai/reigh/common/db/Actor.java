package ai.reigh.common.db;

import java.util.Objects;
import java.util.UUID;

/**
 * Who a transaction acts for, stated to PostgreSQL at its start so that row-level security applies
 * (policies read {@code reigh.user_id} and {@code reigh.role}; nothing stated, no rows).
 *
 * <p>{@code service} and {@code admin} act across users: only code that already checked the caller's
 * role (internal calls, admin routes, the claim, the reaper) may use them.
 */
public record Actor(String role, UUID userId) {
    public static final String USER = "user";
    public static final String WORKER = "worker";
    public static final String ADMIN = "admin";
    public static final String SERVICE = "service";

    public Actor {
        Objects.requireNonNull(role, "role");
        if ((USER.equals(role) || WORKER.equals(role)) && userId == null) {
            throw new IllegalArgumentException(role + " actor needs a user id");
        }
    }

    public static Actor user(UUID userId) {
        return new Actor(USER, userId);
    }

    /** A local worker: acts as its owner, on its owner's rows only. */
    public static Actor worker(UUID ownerId) {
        return new Actor(WORKER, ownerId);
    }

    public static Actor admin(UUID adminId) {
        return new Actor(ADMIN, adminId);
    }

    /** The platform itself (internal calls, cloud workers, maintenance). */
    public static Actor service() {
        return new Actor(SERVICE, null);
    }
}
