package ai.reigh.projects.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.ProjectRepository;
import ai.reigh.projects.repository.ShotRepository;
import ai.reigh.projects.repository.ShotRow;
import io.smallrye.mutiny.Uni;

/**
 * Shots of a project, kept in a dense-enough {@code order}: a new shot goes after the last one, a
 * reorder renumbers all of them 0..n-1 at once. Both lock the project row first, so concurrent
 * creates and reorders of one project take turns instead of colliding on the (project, order) key.
 */
@ApplicationScoped
public class ShotService {
    private final Db db;
    private final ProjectRepository projects;
    private final ShotRepository shots;
    private final ProjectsConfig config;

    public ShotService(Db db, ProjectRepository projects, ShotRepository shots, ProjectsConfig config) {
        this.db = db;
        this.projects = projects;
        this.shots = shots;
        this.config = config;
    }

    public Uni<ShotRow> create(Caller caller, UUID projectId, String name, JsonNode settings) {
        Inputs.requirePrintable("name", name);
        Inputs.requireObjectOrAbsent("settings", settings, config.limits().jsonDocumentBytes());
        return db.inTransaction(caller.asUser(), connection -> projects
                .lockOwned(connection, projectId, caller.requireUserId()).map(ProjectService::found)
                .chain(() -> shots.countInProject(connection, projectId))
                .invoke(count -> Quotas.requireRoom(count, config.limits().shotsPerProject(), "shots per project"))
                .chain(() -> shots.insertAtEnd(connection, projectId, name, settings)));
    }

    /** All the project's shots (at most the per-project cap), by order. */
    public Uni<List<ShotRow>> list(Caller caller, UUID projectId) {
        return db.inTransaction(caller.asUser(), connection -> projects
                .findOwned(connection, projectId, caller.requireUserId()).map(ProjectService::found)
                .chain(() -> shots.listInProject(connection, projectId, config.limits().shotsPerProject())));
    }

    /**
     * Renumbers the shots in the order given, which must name every shot of the project exactly once
     * (else 400, nothing changed). The unique (project, order) is deferred to commit, so the
     * intermediate states of the one UPDATE never collide.
     */
    public Uni<List<ShotRow>> reorder(Caller caller, UUID projectId, List<UUID> orderedIds) {
        Set<UUID> requested = new HashSet<>(orderedIds);
        if (requested.size() != orderedIds.size()) {
            throw ProblemException.validation("shot_ids", "must not name a shot twice");
        }
        return db.inTransaction(caller.asUser(), connection -> projects
                .lockOwned(connection, projectId, caller.requireUserId()).map(ProjectService::found)
                .chain(() -> shots.idsInProject(connection, projectId))
                .invoke(existing -> requireExactly(requested, existing))
                .chain(() -> shots.renumber(connection, projectId, orderedIds.toArray(UUID[]::new)))
                .chain(() -> shots.listInProject(connection, projectId, config.limits().shotsPerProject())));
    }

    public Uni<ShotRow> get(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> shots.findOwned(connection, id, caller.requireUserId()))
                .map(ShotService::found);
    }

    public Uni<ShotRow> update(Caller caller, UUID id, String name, JsonNode settingsPatch) {
        Inputs.requirePrintable("name", name);
        Inputs.requireObjectOrAbsent("settings", settingsPatch, config.limits().jsonDocumentBytes());
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, id, caller.requireUserId())
                .map(ShotService::found)
                .chain(current -> {
                    JsonNode settings = JsonMergePatch.apply(current.settings(), settingsPatch);
                    Inputs.requireObjectOrAbsent("settings", settings, config.limits().jsonDocumentBytes());
                    return shots.update(connection, id, name == null ? current.name() : name, settings);
                }));
    }

    /** Its links go with it (cascade); the generations stay in the project. Orders may keep a gap. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> shots.deleteOwned(connection, id, caller.requireUserId()))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw ProblemException.notFound("Shot");
                    }
                }).replaceWithVoid();
    }

    static ShotRow found(ShotRow row) {
        if (row == null) {
            throw ProblemException.notFound("Shot");
        }
        return row;
    }

    private static void requireExactly(Set<UUID> requested, List<UUID> existing) {
        Set<UUID> missing = new HashSet<>(existing);
        missing.removeAll(requested);
        List<UUID> foreign = new ArrayList<>(requested);
        foreign.removeAll(new HashSet<>(existing));
        if (!missing.isEmpty() || !foreign.isEmpty()) {
            throw ProblemException.validation("shot_ids", "must name each of the project's " + existing.size()
                    + " shots exactly once (" + missing.size() + " missing, " + foreign.size()
                    + " not shots of this project)");
        }
    }
}
