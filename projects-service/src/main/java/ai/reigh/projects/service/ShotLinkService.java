package ai.reigh.projects.service;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.PgErrors;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ShotPairPromptsResult;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.LinkFilter;
import ai.reigh.projects.repository.ProjectRepository;
import ai.reigh.projects.repository.ShotLinkRepository;
import ai.reigh.projects.repository.ShotLinkRow;
import ai.reigh.projects.repository.ShotRepository;
import io.smallrye.mutiny.Uni;

/**
 * Links between a shot and generations of its project, one at a time, and the reads of links: a
 * shot's whole timeline, one link, links across a project. {@code position} is a frame on the shot's
 * timeline, NULL keeps the generation with the shot but off the timeline; {@code metadata} is the
 * link's own (pair prompts, frame counts). Every change locks the shot row first (the per-shot cap
 * and the frames need a stable view); a frame already taken is refused, 409. The operations on many
 * links at once are {@link TimelineService}'s.
 */
@ApplicationScoped
public class ShotLinkService {
    /** Positions are frames; this keeps them far from overflow. */
    public static final int MAX_POSITION = ShotLinkRepository.MAX_POSITION;

    private final Db db;
    private final ProjectRepository projects;
    private final ShotRepository shots;
    private final ShotLinkRepository links;
    private final LinkedGenerations generations;
    private final ProjectsConfig config;

    public ShotLinkService(Db db, ProjectRepository projects, ShotRepository shots, ShotLinkRepository links,
            LinkedGenerations generations, ProjectsConfig config) {
        this.db = db;
        this.projects = projects;
        this.shots = shots;
        this.links = links;
        this.generations = generations;
        this.config = config;
    }

    /** Links and, when asked for, their generations by id (empty otherwise). */
    public record Linked(List<ShotLinkRow> links, Map<UUID, GenerationRow> generations) {
    }

    /** A page of links across a project and, when asked for, their generations by id. */
    public record LinkedPage(Page<ShotLinkRow> page, Map<UUID, GenerationRow> generations) {
    }

    /**
     * tasks-service, for the deployed fleet's update-shot-pair-prompts: acting as the shot's owner (a
     * shot that is not {@code ownerId}'s is a 404), under the shot's lock, one statement.
     */
    public Uni<ShotPairPromptsResult> writePairPrompts(UUID ownerId, UUID shotId, List<String> prompts) {
        return db.inTransaction(Actor.user(ownerId), connection -> shots.lockOwned(connection, shotId, ownerId)
                .map(ShotService::found)
                .chain(shot -> links.writePairPrompts(connection, shotId, prompts)))
                .map(written -> new ShotPairPromptsResult((int) written.updated(),
                        (int) (written.eligible() - written.updated())));
    }

    /** The generation must be the caller's (else 404) and in the shot's project (else 422). */
    public Uni<ShotLinkRow> add(Caller caller, UUID shotId, UUID generationId, Integer position, JsonNode metadata) {
        requirePosition("position", position);
        Inputs.requireObjectOrAbsent("metadata", metadata, config.limits().jsonDocumentBytes());
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, shotId, me)
                .map(ShotService::found)
                .chain(shot -> generations.requireInProject(connection, List.of(generationId), shot.projectId(), me))
                .chain(() -> links.countInShot(connection, shotId))
                .invoke(count -> Quotas.requireRoom(count, config.limits().linksPerShot(), "generations per shot"))
                .chain(() -> links.insert(connection, shotId, generationId, position, metadata)))
                .onFailure(ShotLinkService::isPositionTaken).transform(failure -> positionTaken(position));
    }

    /** Positioned links by position, then unpositioned ones by creation; {@code positioned} filters. */
    public Uni<Linked> list(Caller caller, UUID shotId, Boolean positioned, boolean embed) {
        return db.inTransaction(caller.asUser(), connection -> shots.findOwned(connection, shotId, caller.requireUserId())
                .map(ShotService::found)
                .chain(shot -> links.listInShot(connection, shotId, positioned, config.limits().linksPerShot())
                        .chain(rows -> generations.of(connection, shot.projectId(), rows, embed)
                                .map(embedded -> new Linked(rows, embedded)))));
    }

    public Uni<Linked> get(Caller caller, UUID shotId, UUID linkId, boolean embed) {
        return db.inTransaction(caller.asUser(), connection -> shots.findOwned(connection, shotId, caller.requireUserId())
                .map(ShotService::found)
                .chain(shot -> links.findInShot(connection, linkId, shotId).map(ShotLinkService::found)
                        .chain(link -> generations.of(connection, shot.projectId(), List.of(link), embed)
                                .map(embedded -> new Linked(List.of(link), embedded)))));
    }

    /**
     * Moves the link ({@code positionGiven}: to {@code position}, null = off the timeline) and/or merges
     * {@code metadataPatch} (RFC 7386) into its metadata. Nothing that would change nothing is written.
     */
    public Uni<ShotLinkRow> update(Caller caller, UUID shotId, UUID linkId, boolean positionGiven, Integer position,
            JsonNode metadataPatch) {
        requirePosition("position", position);
        Inputs.requireObjectOrAbsent("metadata", metadataPatch, config.limits().jsonDocumentBytes());
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, shotId, caller.requireUserId())
                .map(ShotService::found)
                .chain(() -> links.findInShot(connection, linkId, shotId)).map(ShotLinkService::found)
                .chain(current -> {
                    Integer frame = positionGiven ? position : current.position();
                    JsonNode metadata = JsonMergePatch.apply(current.metadata(), metadataPatch);
                    Inputs.requireObjectOrAbsent("metadata", metadata, config.limits().jsonDocumentBytes());
                    if (Objects.equals(frame, current.position()) && metadata.equals(current.metadata())) {
                        return Uni.createFrom().item(current);
                    }
                    return links.update(connection, linkId, shotId, frame, metadata);
                }))
                .onFailure(ShotLinkService::isPositionTaken).transform(failure -> positionTaken(position));
    }

    public Uni<Void> remove(Caller caller, UUID shotId, UUID linkId) {
        return db.inTransaction(caller.asUser(), connection -> shots.findOwned(connection, shotId, caller.requireUserId())
                .map(ShotService::found)
                .chain(() -> links.delete(connection, linkId, shotId)))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw ProblemException.notFound("Shot generation");
                    }
                }).replaceWithVoid();
    }

    /**
     * Links of the project's shots matching {@code filter}, newest first in cursor pages (with the exact
     * total when the request asks). Ids of other projects' shots or generations simply match nothing.
     */
    public Uni<LinkedPage> page(Caller caller, UUID projectId, LinkFilter filter, PageRequest page, boolean embed) {
        return db.inTransaction(caller.asUser(), connection -> projects
                .findOwned(connection, projectId, caller.requireUserId()).map(ProjectService::found)
                .chain(() -> links.pageInProject(connection, projectId, filter, page))
                .map(rows -> Page.of(rows, page, ShotLinkRow::createdAt, ShotLinkRow::id))
                .chain(result -> page.includeTotal()
                        ? links.countInProject(connection, projectId, filter).map(result::withTotal)
                        : Uni.createFrom().item(result))
                .chain(result -> generations.of(connection, projectId, result.items(), embed)
                        .map(embedded -> new LinkedPage(result, embedded))));
    }

    static void requirePosition(String field, Integer position) {
        if (position != null && (position < 0 || position > MAX_POSITION)) {
            throw ProblemException.validation(field, "must be between 0 and " + MAX_POSITION + ", or null");
        }
    }

    private static ShotLinkRow found(ShotLinkRow row) {
        if (row == null) {
            throw ProblemException.notFound("Shot generation");
        }
        return row;
    }

    static boolean isPositionTaken(Throwable failure) {
        return PgErrors.isUniqueViolation(failure, ShotLinkRepository.UNIQUE_POSITION);
    }

    /** 409: another link of the shot holds {@code position} (null: some frame of the change). */
    static ProblemException positionTaken(Integer position) {
        return ProblemException.conflict(ProjectErrors.POSITION_TAKEN, position == null
                ? "Two links of this shot would share a frame; choose other frames or move those links too."
                : "Frame " + position + " of this shot is taken; choose another or move that item in the same call.");
    }
}
