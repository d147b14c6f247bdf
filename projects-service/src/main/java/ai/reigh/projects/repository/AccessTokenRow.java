package ai.reigh.projects.repository;

import java.time.Instant;
import java.util.UUID;

/** A personal access token as listed: never the secret, never its hash. */
public record AccessTokenRow(UUID id, String name, String tokenPrefix, Instant createdAt, Instant lastUsedAt,
        Instant expiresAt, Instant revokedAt) {
}
