package ai.reigh.projects.service;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.auth.PersonalAccessTokens;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.AccessTokenRepository;
import ai.reigh.projects.repository.AccessTokenRow;
import ai.reigh.projects.repository.QuotaLock;
import ai.reigh.projects.repository.UserRepository;
import io.smallrye.mutiny.Uni;

/**
 * Personal access tokens for a local worker. The secret exists only in the answer to its creation;
 * the database keeps its SHA-256 (full-entropy secret: a slow hash adds nothing) and a display prefix.
 */
@ApplicationScoped
public class AccessTokenService {
    public static final int MAX_EXPIRES_IN_DAYS = 365;

    /** The row as listed, plus the secret: returned once, never stored. */
    public record Created(AccessTokenRow token, String secret) {
    }

    private final Db db;
    private final UserRepository users;
    private final AccessTokenRepository tokens;
    private final QuotaLock quotas;
    private final ProjectsConfig config;

    public AccessTokenService(Db db, UserRepository users, AccessTokenRepository tokens, QuotaLock quotas,
            ProjectsConfig config) {
        this.db = db;
        this.users = users;
        this.tokens = tokens;
        this.quotas = quotas;
        this.config = config;
    }

    public Uni<Created> create(Caller caller, String name, Integer expiresInDays) {
        Inputs.requirePrintable("name", name);
        int days = expiresInDays == null ? config.tokens().defaultExpiresInDays() : expiresInDays;
        if (days < 1 || days > MAX_EXPIRES_IN_DAYS) {
            throw ProblemException.validation("expires_in_days", "must be between 1 and " + MAX_EXPIRES_IN_DAYS);
        }
        UUID me = caller.requireUserId();
        String secret = PersonalAccessTokens.newSecret();
        Instant expiresAt = Instant.now().plus(Duration.ofDays(days));
        return db.inTransaction(caller.asUser(), connection -> users.ensure(connection, me, caller.email().orElse(null))
                .chain(() -> quotas.lock(connection, QuotaLock.ACCESS_TOKENS, me))
                .chain(() -> tokens.countLive(connection, me))
                .invoke(count -> Quotas.requireRoom(count, config.tokens().livePerUser(), "live access tokens"))
                .chain(() -> tokens.insert(connection, me, name, PersonalAccessTokens.hash(secret),
                        PersonalAccessTokens.displayPrefix(secret), expiresAt)))
                .map(row -> new Created(row, secret));
    }

    public Uni<Page<AccessTokenRow>> page(Caller caller, PageRequest page) {
        return db.inTransaction(caller.asUser(), connection -> tokens.pageOwned(connection, caller.requireUserId(), page))
                .map(rows -> Page.of(rows, page, AccessTokenRow::createdAt, AccessTokenRow::id));
    }

    /** The row stays, with {@code revoked_at}: the token stops authenticating at once. */
    public Uni<Void> revoke(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> tokens.revoke(connection, id, caller.requireUserId()))
                .invoke(found -> {
                    if (!found) {
                        throw ProblemException.notFound("Access token");
                    }
                }).replaceWithVoid();
    }
}
