package ai.reigh.projects.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.ProjectRepository;
import ai.reigh.projects.repository.ProjectRow;
import ai.reigh.projects.repository.QuotaLock;
import ai.reigh.projects.repository.UserRepository;
import io.smallrye.mutiny.Uni;

/** A user's projects. Deleting one takes everything in it along, in one transaction. */
@ApplicationScoped
public class ProjectService {
    private final Db db;
    private final UserRepository users;
    private final ProjectRepository projects;
    private final QuotaLock quotas;
    private final ProjectsConfig config;

    public ProjectService(Db db, UserRepository users, ProjectRepository projects, QuotaLock quotas,
            ProjectsConfig config) {
        this.db = db;
        this.users = users;
        this.projects = projects;
        this.quotas = quotas;
        this.config = config;
    }

    public Uni<ProjectRow> create(Caller caller, String name, String aspectRatio, JsonNode settings) {
        Inputs.requirePrintable("name", name);
        Inputs.requireObjectOrAbsent("settings", settings, config.limits().jsonDocumentBytes());
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> users.ensure(connection, me, caller.email().orElse(null))
                .chain(() -> quotas.lock(connection, QuotaLock.PROJECTS, me))
                .chain(() -> projects.countOwned(connection, me))
                .invoke(count -> Quotas.requireRoom(count, config.limits().projectsPerUser(), "projects"))
                .chain(() -> projects.insert(connection, me, name, aspectRatio, settings)));
    }

    public Uni<Page<ProjectRow>> page(Caller caller, PageRequest page) {
        return db.inTransaction(caller.asUser(), connection -> projects.pageOwned(connection, caller.requireUserId(), page))
                .map(rows -> Page.of(rows, page, ProjectRow::createdAt, ProjectRow::id));
    }

    public Uni<ProjectRow> get(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> projects.findOwned(connection, id, caller.requireUserId()))
                .map(ProjectService::found);
    }

    /** {@code settingsPatch} is a JSON merge patch; absent name or aspect ratio keeps the current one. */
    public Uni<ProjectRow> update(Caller caller, UUID id, String name, String aspectRatio, JsonNode settingsPatch) {
        Inputs.requirePrintable("name", name);
        Inputs.requireObjectOrAbsent("settings", settingsPatch, config.limits().jsonDocumentBytes());
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> projects.lockOwned(connection, id, me)
                .map(ProjectService::found)
                .chain(current -> {
                    JsonNode settings = JsonMergePatch.apply(current.settings(), settingsPatch);
                    Inputs.requireObjectOrAbsent("settings", settings, config.limits().jsonDocumentBytes());
                    return projects.update(connection, id, me, name == null ? current.name() : name,
                            aspectRatio == null ? current.aspectRatio() : aspectRatio, settings);
                }));
    }

    /** Replaces the settings of one tool ({@code key}) with {@code value}, whole, under the project's lock. */
    public Uni<ProjectRow> replaceSettingsKey(Caller caller, UUID id, String key, JsonNode value) {
        int maxBytes = config.limits().jsonDocumentBytes();
        SettingsKeys.requireValid(key, value, maxBytes);
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> projects.lockOwned(connection, id, me)
                .map(ProjectService::found)
                .chain(current -> projects.update(connection, id, me, current.name(), current.aspectRatio(),
                        SettingsKeys.replaced(current.settings(), key, value, maxBytes))));
    }

    /**
     * Deletes the project with its shots, shot links, generations and tasks (foreign-key cascades in
     * the same statement) and queues the deletion of the storage objects its generations referenced;
     * the relay delivers those later, so the delete never waits on storage-service.
     */
    public Uni<Void> delete(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(),
                connection -> projects.deleteQueueingObjects(connection, id, caller.requireUserId()))
                .invoke(outcome -> {
                    if (!outcome.found()) {
                        throw ProblemException.notFound("Project");
                    }
                }).replaceWithVoid();
    }

    static ProjectRow found(ProjectRow row) {
        if (row == null) {
            throw ProblemException.notFound("Project");
        }
        return row;
    }
}
