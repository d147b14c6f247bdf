package ai.reigh.projects.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.PgErrors;
import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.GenerationRepository;
import ai.reigh.projects.repository.ShotLinkRepository;
import ai.reigh.projects.repository.ShotLinkRow;
import ai.reigh.projects.repository.ShotRepository;
import io.smallrye.mutiny.Uni;

/**
 * Links between a shot and generations of its project, with the seed's nullable {@code position}:
 * a number places the generation in the shot editor, NULL keeps it with the shot but out of the
 * editor. Every change locks the shot row first (the per-shot cap and the append need a stable
 * view); a position already taken is refused by the partial unique index, answered 409.
 */
@ApplicationScoped
public class ShotLinkService {
    /** Positions are small integers in practice (frame slots); this keeps them far from overflow. */
    public static final int MAX_POSITION = 1_000_000;

    private final Db db;
    private final ShotRepository shots;
    private final GenerationRepository generations;
    private final ShotLinkRepository links;
    private final ProjectsConfig config;

    public ShotLinkService(Db db, ShotRepository shots, GenerationRepository generations, ShotLinkRepository links,
            ProjectsConfig config) {
        this.db = db;
        this.shots = shots;
        this.generations = generations;
        this.links = links;
        this.config = config;
    }

    /**
     * The generation must be the caller's (else 404, like any foreign resource) and in the shot's
     * project (else 422 {@code generation_not_in_project}: the caller owns both, so saying why
     * reveals nothing).
     */
    public Uni<ShotLinkRow> add(Caller caller, UUID shotId, UUID generationId, Integer position) {
        requirePosition(position);
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, shotId, me)
                .map(ShotService::found)
                .chain(shot -> generations.findOwned(connection, generationId, me).map(GenerationService::found)
                        .invoke(generation -> {
                            if (!generation.projectId().equals(shot.projectId())) {
                                throw ProblemException.unprocessable(ProjectErrors.GENERATION_NOT_IN_PROJECT,
                                        "The generation belongs to another project than the shot.");
                            }
                        }))
                .chain(() -> links.countInShot(connection, shotId))
                .invoke(count -> Quotas.requireRoom(count, config.limits().linksPerShot(), "generations per shot"))
                .chain(() -> links.insert(connection, shotId, generationId, position)))
                .onFailure(ShotLinkService::isPositionTaken).transform(failure -> positionTaken(position));
    }

    /** Positioned links by position, then unpositioned ones by creation; {@code positioned} filters. */
    public Uni<List<ShotLinkRow>> list(Caller caller, UUID shotId, Boolean positioned) {
        return db.inTransaction(caller.asUser(), connection -> shots.findOwned(connection, shotId, caller.requireUserId())
                .map(ShotService::found)
                .chain(() -> links.listInShot(connection, shotId, positioned, config.limits().linksPerShot())));
    }

    /** {@code position} null moves the link out of the shot editor (unpositioned). */
    public Uni<ShotLinkRow> move(Caller caller, UUID shotId, UUID linkId, Integer position) {
        requirePosition(position);
        return db.inTransaction(caller.asUser(), connection -> shots.lockOwned(connection, shotId, caller.requireUserId())
                .map(ShotService::found)
                .chain(() -> links.move(connection, linkId, shotId, position)))
                .map(ShotLinkService::found)
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

    static void requirePosition(Integer position) {
        if (position != null && (position < 0 || position > MAX_POSITION)) {
            throw ProblemException.validation("position", "must be between 0 and " + MAX_POSITION + ", or null");
        }
    }

    private static ShotLinkRow found(ShotLinkRow row) {
        if (row == null) {
            throw ProblemException.notFound("Shot generation");
        }
        return row;
    }

    private static boolean isPositionTaken(Throwable failure) {
        return PgErrors.isUniqueViolation(failure, ShotLinkRepository.UNIQUE_POSITION);
    }

    private static ProblemException positionTaken(Integer position) {
        return ProblemException.conflict(ProjectErrors.POSITION_TAKEN,
                "Position " + position + " of this shot is taken; choose another or move that item first.");
    }
}
