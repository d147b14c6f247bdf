package ai.reigh.tasks.compat.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.compat.rest.EdgeRequests;
import ai.reigh.tasks.repository.TaskRow;
import ai.reigh.tasks.service.WorkerService;
import io.smallrye.mutiny.Uni;

/**
 * {@code create-task} as the fleet's orchestrators use it: a child with the id the worker chose, its
 * parent named inside its params. Translated into the platform's one child creation
 * ({@link WorkerService#createChild}: the parent's lease checked under a lock, the family, nesting and
 * count bounds, the billing of children on their own), keyed on the chosen id: the same id with the same
 * content is the same task (200 again), with other content a 409. The fleet requires exactly 200, so a
 * creation answers 200 too.
 */
@ApplicationScoped
public class EdgeChildren {
    private final FleetIdentity identity;
    private final FleetTasks fleetTasks;
    private final WorkerService workers;

    public EdgeChildren(FleetIdentity identity, FleetTasks fleetTasks, WorkerService workers) {
        this.identity = identity;
        this.fleetTasks = fleetTasks;
        this.workers = workers;
    }

    public Uni<TaskRow> create(Caller caller, EdgeRequests.CreateTask request) {
        JsonNode input = request.input();
        if (!input.isObject()) {
            throw ProblemException.validation("input", "must be a JSON object");
        }
        UUID childId = uuid(input.get("task_id"), "input.task_id", true);
        UUID parentId = parentOf(input);
        List<UUID> dependencies = dependencies(input.get("dependant_on"));
        ObjectNode params = ((ObjectNode) input).deepCopy();
        params.remove("task_id");
        params.remove("dependant_on");
        return identity.of(caller).chain(worker -> fleetTasks.held(worker, parentId).chain(parent -> {
            if (request.projectId() != null && !request.projectId().equals(parent.projectId())) {
                return Uni.createFrom().failure(ProblemException.validation("project_id",
                        "must be the orchestrator's project (children live in their parent's project)"));
            }
            return workers.createChild(worker.caller(), new WorkerService.Child(parentId, parent.leaseToken(),
                    request.family(), params, dependencies, childId.toString(), childId));
        })).map(ai.reigh.tasks.service.TaskService.Created::task);
    }

    /**
     * The orchestrator a child names: {@code orchestrator_task_id_ref}, or
     * {@code orchestrator_details.orchestrator_task_id}, or {@code orchestration_contract.orchestrator_task_id}.
     */
    static UUID parentOf(JsonNode input) {
        JsonNode[] candidates = { input.get("orchestrator_task_id_ref"), input.at("/orchestrator_details/orchestrator_task_id"),
                input.at("/orchestration_contract/orchestrator_task_id") };
        for (JsonNode candidate : candidates) {
            if (candidate != null && !candidate.isMissingNode() && !candidate.isNull()) {
                return uuid(candidate, "input.orchestrator_task_id_ref", true);
            }
        }
        throw ProblemException.validation("input.orchestrator_task_id_ref",
                "must name the orchestrator (orchestrator_task_id_ref or orchestrator_details.orchestrator_task_id):"
                        + " workers create only children of the orchestrator they hold");
    }

    private static List<UUID> dependencies(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw ProblemException.validation("input.dependant_on", "must be a list of task ids or null");
        }
        List<UUID> ids = new ArrayList<>();
        for (JsonNode id : value) {
            ids.add(uuid(id, "input.dependant_on", true));
        }
        return ids;
    }

    private static UUID uuid(JsonNode value, String field, boolean required) {
        if (value == null || value.isNull()) {
            if (required) {
                throw ProblemException.validation(field, "is required");
            }
            return null;
        }
        if (value.isTextual() && value.asText().length() == 36) {
            try {
                return UUID.fromString(value.asText());
            } catch (IllegalArgumentException notUuid) {
                // fall through to the refusal
            }
        }
        throw ProblemException.validation(List.of(new FieldError(field, "must be a task id (UUID)")));
    }
}
