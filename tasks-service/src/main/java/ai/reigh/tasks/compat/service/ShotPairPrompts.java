package ai.reigh.tasks.compat.service;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ShotPairPromptsResult;
import ai.reigh.tasks.client.ProjectsShots;
import ai.reigh.tasks.compat.rest.EdgeRequests;
import io.smallrye.mutiny.Uni;

/**
 * {@code update-shot-pair-prompts}: a travel orchestrator's enhanced prompts, one per positioned image
 * of the shot in timeline order, written into those links' {@code metadata.enhanced_prompt} by
 * projects-service (which owns shot links). Owner-scoped: the shot must belong to the owner of the task
 * the worker names (a local worker: its own owner), else 404.
 */
@ApplicationScoped
public class ShotPairPrompts {
    private final FleetTasks fleetTasks;
    private final ProjectsShots projects;

    public ShotPairPrompts(FleetTasks fleetTasks, ProjectsShots projects) {
        this.fleetTasks = fleetTasks;
        this.projects = projects;
    }

    public Uni<ShotPairPromptsResult> update(Caller caller, EdgeRequests.ShotPairPrompts request) {
        FleetWorker reader = new FleetWorker(caller, Optional.empty());
        Uni<UUID> owner;
        if (request.taskId() != null) {
            owner = fleetTasks.visible(reader, request.taskId()).map(task -> task.userId());
        } else if (reader.ownerId().isPresent()) {
            owner = Uni.createFrom().item(reader.ownerId().get());
        } else {
            return Uni.createFrom().failure(ProblemException.validation("task_id",
                    "is required from a cloud worker (the shot must belong to the task's owner)"));
        }
        return owner.chain(ownerId -> Downstream.call("projects-service",
                () -> projects.pairPrompts(request.shotId(), ownerId, request.enhancedPrompts())));
    }
}
