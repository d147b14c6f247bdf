package ai.reigh.projects.service;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.projects.repository.UserRepository;
import ai.reigh.projects.repository.UserRow;
import io.smallrye.mutiny.Uni;

/** The signed-in user: provisioned from the token on first sight, settings changed by merge patch. */
@ApplicationScoped
public class UserService {
    private final Db db;
    private final UserRepository users;

    public UserService(Db db, UserRepository users) {
        this.db = db;
        this.users = users;
    }

    public Uni<UserRow> me(Caller caller) {
        return db.inTransaction(caller.asUser(), connection -> users.find(connection, caller.requireUserId())
                .chain(found -> found != null ? Uni.createFrom().item(found)
                        : users.insertIfMissing(connection, caller.requireUserId(), caller.email().orElse(null))));
    }

    public Uni<UserRow> update(Caller caller, String name, JsonNode settingsPatch) {
        if (settingsPatch != null && !settingsPatch.isObject()) {
            throw ProblemException.validation("settings", "must be a JSON object (a merge patch)");
        }
        return db.inTransaction(caller.asUser(), connection -> users
                .insertIfMissing(connection, caller.requireUserId(), caller.email().orElse(null))
                .chain(current -> users.update(connection, current.id(), name,
                        JsonMergePatch.apply(current.settings(), settingsPatch))));
    }
}
