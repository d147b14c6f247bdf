package ai.reigh.projects.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.GenerationFromTask;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.GenerationRepository;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ShotLinkRepository;
import ai.reigh.projects.repository.ShotRepository;
import ai.reigh.projects.repository.ShotRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The generation of a completed task, delivered (at least once) by tasks-service's completion relay.
 * Exactly once per task: the insert is {@code ON CONFLICT DO NOTHING} on the one-per-task unique
 * index, and the shot link is made only by the delivery that inserted the row, in its transaction.
 */
@ApplicationScoped
public class TaskGenerationService {
    private static final Logger LOG = Logger.getLogger(TaskGenerationService.class);

    private final Db db;
    private final GenerationRepository generations;
    private final ShotRepository shots;
    private final ShotLinkRepository links;
    private final ProjectsConfig config;

    public TaskGenerationService(Db db, GenerationRepository generations, ShotRepository shots,
            ShotLinkRepository links, ProjectsConfig config) {
        this.db = db;
        this.generations = generations;
        this.shots = shots;
        this.links = links;
        this.config = config;
    }

    /** The row and whether this call created it (201) or found it (200). */
    public record Outcome(GenerationRow generation, boolean created) {
    }

    public Uni<Outcome> createFromTask(GenerationFromTask request) {
        Inputs.requireMediaUrl("url", request.url());
        if (request.thumbnailUrl() != null) {
            Inputs.requireMediaUrl("thumbnail_url", request.thumbnailUrl());
        }
        Inputs.requireObjectOrAbsent("metadata", request.metadata(), config.limits().jsonDocumentBytes());
        // Acting for the platform: the caller is tasks-service, which checked the task's owner.
        return db.inTransaction(Actor.service(), connection -> generations
                .insertFromTask(connection, request.projectId(), request.taskId(), request.type(), request.url(),
                        request.thumbnailUrl(), request.objectId(), request.metadata())
                .chain(inserted -> inserted != null
                        ? linkToShot(connection, inserted, request).replaceWith(new Outcome(inserted, true))
                        : existing(connection, request)));
    }

    private Uni<Outcome> existing(SqlConnection connection, GenerationFromTask request) {
        return generations.findByTask(connection, request.taskId()).map(found -> {
            if (found == null) {
                // Nothing inserted and nothing there: the project does not exist (deleted meanwhile).
                throw ProblemException.notFound("Project");
            }
            if (!found.projectId().equals(request.projectId())) {
                throw ProblemException.conflict(ProjectErrors.TASK_GENERATION_CONFLICT,
                        "This task already has a generation in another project.");
            }
            return new Outcome(found, false);
        });
    }

    /**
     * Links the new generation to {@code shot_id} when that shot is in the generation's project:
     * after the last positioned item with {@code add_in_position}, else unpositioned. A shot that is
     * not there (deleted since the task was queued, or never in this project) is not an error: the
     * generation is kept, unlinked.
     */
    private Uni<Void> linkToShot(SqlConnection connection, GenerationRow generation, GenerationFromTask request) {
        if (request.shotId() == null) {
            return Uni.createFrom().voidItem();
        }
        return shots.lockInProject(connection, request.shotId(), request.projectId()).chain(shot -> {
            if (shot == null) {
                LOG.infof("task %s: shot %s is not in project %s; generation %s left unlinked", request.taskId(),
                        request.shotId(), request.projectId(), generation.id());
                return Uni.createFrom().voidItem();
            }
            return links.countInShot(connection, shot.id()).chain(count -> {
                if (count >= config.limits().linksPerShot()) {
                    LOG.warnf("task %s: shot %s is full (%d links); generation %s left unlinked", request.taskId(),
                            shot.id(), count, generation.id());
                    return Uni.createFrom().voidItem();
                }
                return link(connection, shot, generation, Boolean.TRUE.equals(request.addInPosition()));
            });
        });
    }

    private Uni<Void> link(SqlConnection connection, ShotRow shot, GenerationRow generation, boolean positioned) {
        return (positioned ? links.insertAfterLastPosition(connection, shot.id(), generation.id())
                : links.insert(connection, shot.id(), generation.id(), null)).replaceWithVoid();
    }
}
