package ai.reigh.tasks.compat.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.compat.repository.EdgeReadRepository;
import ai.reigh.tasks.compat.rest.EdgeRequests;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.TaskRow;
import ai.reigh.tasks.repository.TaskStatus;
import io.smallrye.mutiny.Uni;

/**
 * The fleet's reads, owner-scoped like every other read: a local worker (personal access token, or a
 * worker token bound to an owner) sees only its owner's tasks, a cloud worker the platform's. Someone
 * else's task is a 404, like a missing one. Reads need no worker identity (they write nothing).
 */
@ApplicationScoped
public class EdgeReads {
    private final Db db;
    private final FleetTasks fleetTasks;
    private final EdgeReadRepository reads;
    private final TasksConfig config;

    public EdgeReads(Db db, FleetTasks fleetTasks, EdgeReadRepository reads, TasksConfig config) {
        this.db = db;
        this.fleetTasks = fleetTasks;
        this.reads = reads;
        this.config = config;
    }

    public Uni<TaskRow> task(Caller caller, UUID taskId) {
        return fleetTasks.visible(reader(caller), taskId);
    }

    public Uni<EdgeReadRepository.Counts> counts(Caller caller, EdgeRequests.TaskCounts request) {
        FleetWorker reader = reader(caller);
        return db.inTransaction(reader.actor(), connection -> reads.counts(connection,
                request.runType() == null ? "gpu" : request.runType(), reader.ownerId().orElse(null)));
    }

    public Uni<List<EdgeReadRepository.Child>> children(Caller caller, UUID orchestratorId) {
        FleetWorker reader = reader(caller);
        return fleetTasks.visible(reader, orchestratorId).chain(parent -> db.inTransaction(reader.actor(),
                connection -> reads.children(connection, parent.id(), config.maxChildrenPerTask())));
    }

    /** A task's predecessors (its dependencies, in their order) and whether they are all Complete. */
    public record Predecessors(List<Predecessor> predecessors) {
        public boolean allComplete() {
            return !predecessors.isEmpty() && predecessors.stream()
                    .allMatch(p -> TaskStatus.COMPLETE.equals(p.status()) && p.outputLocation() != null);
        }
    }

    /** {@code status} "not_found" for a dependency the reader cannot see. */
    public record Predecessor(UUID id, String status, String outputLocation) {
    }

    public Uni<Predecessors> predecessors(Caller caller, UUID taskId) {
        FleetWorker reader = reader(caller);
        return fleetTasks.visible(reader, taskId).chain(task -> db.inTransaction(reader.actor(),
                connection -> reads.dependencies(connection, task.dependantOn(), task.projectId()))
                .map(found -> {
                    Map<UUID, EdgeReadRepository.Dependency> byId = found.stream()
                            .collect(Collectors.toMap(EdgeReadRepository.Dependency::id, Function.identity()));
                    return new Predecessors(task.dependantOn().stream().map(id -> {
                        EdgeReadRepository.Dependency dependency = byId.get(id);
                        if (dependency == null) {
                            return new Predecessor(id, "not_found", null);
                        }
                        boolean complete = TaskStatus.COMPLETE.equals(dependency.status());
                        return new Predecessor(id, dependency.status(), complete ? dependency.outputLocation() : null);
                    }).toList());
                }));
    }

    public Uni<List<EdgeReadRepository.Segment>> completedSegments(Caller caller,
            EdgeRequests.CompletedSegments request) {
        FleetWorker reader = reader(caller);
        return db.inTransaction(reader.actor(), connection -> reads.completedSegments(connection, request.runId(),
                request.projectId(), config.maxChildrenPerTask()));
    }

    /** Reads act as the credential's owner (or the platform); the worker's own identity plays no part. */
    private static FleetWorker reader(Caller caller) {
        if (caller == null) {
            throw ProblemException.unauthorized("A valid bearer token is required.");
        }
        return new FleetWorker(caller, java.util.Optional.empty());
    }
}
