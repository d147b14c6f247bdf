package ai.reigh.projects.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.projects.repository.TaskMediaRepository;
import ai.reigh.projects.repository.TaskMediaRepository.TaskMedia;
import io.smallrye.mutiny.Uni;

/** The operator console's view of what a task made, whoever owns it (read acting as the admin). */
@ApplicationScoped
public class OperatorMedia {
    private final Db db;
    private final TaskMediaRepository media;

    public OperatorMedia(Db db, TaskMediaRepository media) {
        this.db = db;
        this.media = media;
    }

    public Uni<List<TaskMedia>> ofTask(UUID adminId, UUID taskId) {
        return db.inTransaction(Actor.admin(adminId), connection -> media.ofTask(connection, taskId));
    }
}
