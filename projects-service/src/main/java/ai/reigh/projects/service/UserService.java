package ai.reigh.projects.service;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.PgErrors;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.UserRepository;
import ai.reigh.projects.repository.UserRow;
import io.smallrye.mutiny.Uni;

/**
 * The signed-in user: provisioned from the token on first sight; profile fields, settings changed by
 * merge patch or one key at a time. Every change locks the user's row first and computes the new
 * document from the locked one, so concurrent writers of one user's settings never lose each other's keys.
 */
@ApplicationScoped
public class UserService {
    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,30}");

    private final Db db;
    private final UserRepository users;
    private final ProjectsConfig config;

    public UserService(Db db, UserRepository users, ProjectsConfig config) {
        this.db = db;
        this.users = users;
        this.config = config;
    }

    /** A change of the profile: each field absent (kept) or given; {@code avatarUrl} may clear. */
    public record ProfileChange(String name, String username, Patch<String> avatarUrl, Boolean onboardingCompleted,
            JsonNode settingsPatch) {
    }

    public Uni<UserRow> me(Caller caller) {
        return db.inTransaction(caller.asUser(), connection -> users.find(connection, caller.requireUserId())
                .chain(found -> found != null ? Uni.createFrom().item(found)
                        : users.insertIfMissing(connection, caller.requireUserId(), caller.email().orElse(null))));
    }

    public Uni<UserRow> update(Caller caller, ProfileChange change) {
        if (change.settingsPatch() != null && !change.settingsPatch().isObject()) {
            throw ProblemException.validation("settings", "must be a JSON object (a merge patch)");
        }
        if (change.username() != null && !USERNAME.matcher(change.username()).matches()) {
            throw ProblemException.validation("username", "must be 3-30 of A-Z, a-z, 0-9, _, . and -");
        }
        if (change.avatarUrl().present() && change.avatarUrl().value() != null) {
            Inputs.requireMediaUrl("avatar_url", change.avatarUrl().value());
        }
        int maxBytes = config.limits().jsonDocumentBytes();
        return db.inTransaction(caller.asUser(), connection -> users
                .lockCreatingIfMissing(connection, caller.requireUserId(), caller.email().orElse(null))
                .chain(current -> {
                    JsonNode settings = JsonMergePatch.apply(current.settings(), change.settingsPatch());
                    Inputs.requireObjectOrAbsent("settings", settings, maxBytes);
                    return users.update(connection, new UserRow(current.id(), current.email(),
                            change.name() == null ? current.name() : change.name(),
                            change.username() == null ? current.username() : change.username(),
                            change.avatarUrl().or(current.avatarUrl()),
                            change.onboardingCompleted() == null ? current.onboardingCompleted()
                                    : change.onboardingCompleted(),
                            settings, current.totalCredits(), current.createdAt()));
                }))
                .onFailure(failure -> PgErrors.isUniqueViolation(failure, UserRepository.USERNAME_UNIQUE))
                .transform(failure -> ProblemException.conflict(ProjectErrors.USERNAME_TAKEN,
                        "This username is taken."));
    }

    /** Replaces the settings of one tool ({@code key}) with {@code value}, whole. */
    public Uni<UserRow> replaceSettingsKey(Caller caller, String key, JsonNode value) {
        int maxBytes = config.limits().jsonDocumentBytes();
        SettingsKeys.requireValid(key, value, maxBytes);
        return db.inTransaction(caller.asUser(), connection -> users
                .lockCreatingIfMissing(connection, caller.requireUserId(), caller.email().orElse(null))
                .chain(current -> users.update(connection, new UserRow(current.id(), current.email(), current.name(),
                        current.username(), current.avatarUrl(), current.onboardingCompleted(),
                        SettingsKeys.replaced(current.settings(), key, value, maxBytes), current.totalCredits(),
                        current.createdAt()))));
    }
}
