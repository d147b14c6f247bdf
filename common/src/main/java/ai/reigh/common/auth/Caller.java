package ai.reigh.common.auth;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import ai.reigh.common.db.Actor;
import ai.reigh.common.error.ProblemException;

/**
 * Who is calling, as the services need it, built only by authentication ({@link TokenAttributes#CALLER}).
 * {@code subject} is the token's {@code sub} (for a personal access token, its owner's id);
 * {@code userId} is the subject when it is a user id; {@code workerOwnerId} is set for local workers
 * (a personal access token, or a worker token bound to one user), which may touch only that user's
 * tasks; {@code workerId} is the one worker a worker token speaks for ({@code reigh_worker_id}: the
 * deployed fleet's protocol fences by credential); {@code personalAccessTokenHash} is set when a personal
 * access token authenticated the call (the key of its binding to one worker); {@code expiresAt} is when
 * the credential stops being valid (a JWT's {@code exp}), empty for a personal access token, whose
 * expiry the database checks on every request.
 */
public record Caller(String subject, UUID userId, Optional<String> email, Set<String> roles,
        Optional<UUID> workerOwnerId, Optional<String> workerId, Optional<String> personalAccessTokenHash,
        Optional<Instant> expiresAt) {

    public boolean has(String role) {
        return roles.contains(role);
    }

    /** The signed-in user's id, for routes where a user acts on their own data. */
    public UUID requireUserId() {
        if (userId == null) {
            throw ProblemException.unauthorized("The token's subject is not a user id.");
        }
        return userId;
    }

    public boolean isLocalWorker() {
        return workerOwnerId.isPresent();
    }

    /** The acting context for row-level security of a user acting on their own rows. */
    public Actor asUser() {
        return Actor.user(requireUserId());
    }

    /** A cloud worker acts for the platform; a local worker acts for its owner only. */
    public Actor asWorker() {
        return workerOwnerId.map(Actor::worker).orElseGet(Actor::service);
    }
}
