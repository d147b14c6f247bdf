package ai.reigh.projects.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.GenerationRepository;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ProjectRepository;
import ai.reigh.projects.repository.ShotLinkRepository;
import ai.reigh.projects.repository.ShotRepository;
import ai.reigh.projects.repository.ShotRow;
import ai.reigh.projects.service.ShotLinkService.Linked;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Shots of a project, kept in a dense-enough {@code order}: a new shot goes after the last one or at
 * the order asked (later ones move down), a copy right after its original, a reorder renumbers all of
 * them 0..n-1 at once. All of these lock the project row first, so concurrent changes of one project's
 * order take turns instead of colliding on the (project, order) key. Every shot is made together with
 * its parent video generation, in the same transaction.
 */
@ApplicationScoped
public class ShotService {
    /** Appended to a copy's name when the request does not name it. */
    static final String COPY_SUFFIX = " (copy)";
    static final int MAX_NAME_LENGTH = 200;

    private final Db db;
    private final ProjectRepository projects;
    private final ShotRepository shots;
    private final ShotLinkRepository links;
    private final GenerationRepository generationRows;
    private final LinkedGenerations generations;
    private final ProjectsConfig config;

    public ShotService(Db db, ProjectRepository projects, ShotRepository shots, ShotLinkRepository links,
            GenerationRepository generationRows, LinkedGenerations generations, ProjectsConfig config) {
        this.db = db;
        this.projects = projects;
        this.shots = shots;
        this.links = links;
        this.generationRows = generationRows;
        this.generations = generations;
        this.config = config;
    }

    /** A shot and, when the call made links, the shot's links (with their generations). */
    public record ShotWithLinks(ShotRow shot, Linked links) {
    }

    /** The shot's parent generation, and whether this call made it. */
    public record Parent(GenerationRow generation, boolean created) {
    }

    /**
     * At {@code order} (null: after the last; past the last: the last), later shots moving down one;
     * with {@code generationIds} (the caller's, in this project) on its timeline 50 frames apart, in
     * their order. One transaction: a refused generation leaves no shot behind.
     */
    public Uni<ShotWithLinks> create(Caller caller, UUID projectId, String name, JsonNode settings, String aspectRatio,
            Integer order, List<UUID> generationIds) {
        Inputs.requirePrintable("name", name);
        Inputs.requireObjectOrAbsent("settings", settings, config.limits().jsonDocumentBytes());
        if (order != null && order < 0) {
            throw ProblemException.validation("order", "must be 0 or more");
        }
        List<UUID> toLink = generationIds == null ? List.of() : generationIds;
        if (toLink.size() > config.limits().linksPerShot()) {
            throw ProblemException.unprocessable(ErrorCode.QUOTA_EXCEEDED,
                    "At most " + config.limits().linksPerShot() + " generations per shot are allowed.");
        }
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> projects.lockOwned(connection, projectId, me)
                .map(ProjectService::found)
                .chain(() -> shots.countInProject(connection, projectId))
                .invoke(count -> Quotas.requireRoom(count, config.limits().shotsPerProject(), "shots per project"))
                .chain(() -> toLink.isEmpty() ? Uni.createFrom().voidItem()
                        : generations.requireInProject(connection, toLink, projectId, me))
                .chain(() -> insertAt(connection, projectId, order, name, settings, aspectRatio))
                .chain(shot -> toLink.isEmpty() ? Uni.createFrom().item(new ShotWithLinks(shot, null))
                        : links.append(connection, shot.id(), toLink.toArray(UUID[]::new), 0, TimelinePlan.DEFAULT_SPACING, null)
                                .chain(added -> generations.of(connection, projectId, added, true)
                                        .map(embedded -> new ShotWithLinks(shot, new Linked(added, embedded))))));
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

    /**
     * Absent fields keep their value; {@code settingsPatch} is a JSON merge patch; {@code aspectRatioGiven}
     * with a null {@code aspectRatio} clears it (the shot then follows its project's).
     */
    public Uni<ShotRow> update(Caller caller, UUID id, String name, JsonNode settingsPatch, boolean aspectRatioGiven,
            String aspectRatio) {
        Inputs.requirePrintable("name", name);
        Inputs.requireObjectOrAbsent("settings", settingsPatch, config.limits().jsonDocumentBytes());
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, id, caller.requireUserId())
                .map(ShotService::found)
                .chain(current -> {
                    JsonNode settings = JsonMergePatch.apply(current.settings(), settingsPatch);
                    Inputs.requireObjectOrAbsent("settings", settings, config.limits().jsonDocumentBytes());
                    return shots.update(connection, id, name == null ? current.name() : name, settings,
                            aspectRatioGiven ? aspectRatio : current.aspectRatio());
                }));
    }

    /** Replaces the settings of one tool ({@code key}) with {@code value}, whole, under the shot's lock. */
    public Uni<ShotRow> replaceSettingsKey(Caller caller, UUID id, String key, JsonNode value) {
        int maxBytes = config.limits().jsonDocumentBytes();
        SettingsKeys.requireValid(key, value, maxBytes);
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, id, caller.requireUserId())
                .map(ShotService::found)
                .chain(current -> shots.update(connection, id, current.name(),
                        SettingsKeys.replaced(current.settings(), key, value, maxBytes), current.aspectRatio())));
    }

    /**
     * A copy right after the original (later shots move down): its name ({@code name}, else the
     * original's + " (copy)"), settings and aspect ratio, its image links with their frames and
     * metadata (a shot's video outputs stay its own), and a parent of its own. The original is locked
     * while it is copied, so the copy is one state of its timeline, never half of a change.
     */
    public Uni<ShotWithLinks> duplicate(Caller caller, UUID id, String name) {
        Inputs.requirePrintable("name", name);
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> shots.findOwned(connection, id, me).map(ShotService::found)
                // The project's lock first (the order), then the shot's (its links): the order every writer keeps.
                .chain(seen -> projects.lockOwned(connection, seen.projectId(), me).map(ProjectService::found))
                .chain(() -> shots.lockOwned(connection, id, me)).map(ShotService::found)
                .chain(original -> shots.countInProject(connection, original.projectId())
                        .invoke(count -> Quotas.requireRoom(count, config.limits().shotsPerProject(), "shots per project"))
                        .chain(() -> insertAt(connection, original.projectId(), original.order() + 1,
                                name == null ? copyName(original.name()) : name, original.settings(),
                                original.aspectRatio()))
                        .chain(copy -> links.copy(connection, original.id(), copy.id())
                                .chain(() -> links.listInShot(connection, copy.id(), null, config.limits().linksPerShot()))
                                .map(copied -> new ShotWithLinks(copy, new Linked(copied, Map.of()))))));
    }

    /** The shot's parent generation, made again (201) if someone deleted it; else the one it has (200). */
    public Uni<Parent> ensureParent(Caller caller, UUID id) {
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, id, me).map(ShotService::found)
                .chain(shot -> shot.parentGenerationId() != null
                        ? generationRows.findOwned(connection, shot.parentGenerationId(), me).map(row -> new Parent(row, false))
                        : shots.addParent(connection, id).chain(parent -> generationRows.findOwned(connection, parent, me))
                                .map(row -> new Parent(row, true))));
    }

    /** Its links go with it (cascade), and its parent while still a placeholder; orders may keep a gap. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> shots.deleteOwned(connection, id, caller.requireUserId()))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw ProblemException.notFound("Shot");
                    }
                }).replaceWithVoid();
    }

    /** Makes room at {@code order} (clamped to the end) and inserts the shot there with its parent. */
    private Uni<ShotRow> insertAt(SqlConnection connection, UUID projectId, Integer order, String name,
            JsonNode settings, String aspectRatio) {
        return shots.nextOrder(connection, projectId).chain(next -> {
            int at = order == null ? next : Math.min(order, next);
            Uni<Integer> room = at < next ? shots.shiftFrom(connection, projectId, at) : Uni.createFrom().item(0);
            return room.chain(() -> shots.insertWithParent(connection, projectId, name, at, settings, aspectRatio));
        });
    }

    /** "name (copy)", the name cut so that the whole stays within the name's limit. */
    static String copyName(String name) {
        int room = MAX_NAME_LENGTH - COPY_SUFFIX.length();
        if (name.length() <= room) {
            return name + COPY_SUFFIX;
        }
        int end = Character.isHighSurrogate(name.charAt(room - 1)) ? room - 1 : room;
        return name.substring(0, end) + COPY_SUFFIX;
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
