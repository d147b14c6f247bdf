package ai.reigh.credits.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.credits.service.TaskCostService;
import io.smallrye.mutiny.Uni;

/** Task types and their prices, for every signed-in caller (an operator too: the console's estimate tool). */
@Path("/v1/task-costs")
@RolesAllowed({ Roles.USER, Roles.WORKER, Roles.SERVICE, Roles.ADMIN })
@Tag(name = "task costs")
public class TaskCostsResource {
    private final TaskCostService costs;

    public TaskCostsResource(TaskCostService costs) {
        this.costs = costs;
    }

    @GET
    @Operation(summary = "Every task type's cost config and display fields, by name",
            description = "?is_active=true|false keeps the active (or inactive) types only; absent: all of them.")
    public Uni<TaskCostConfigList> list(@QueryParam("is_active") String isActive) {
        Boolean active = switch (isActive == null ? "" : isActive) {
            case "" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ProblemException.validation("is_active", "must be true or false");
        };
        return costs.list(active).map(rows -> new TaskCostConfigList(rows.stream().map(TaskCostConfigView::of).toList()));
    }

    @GET
    @Path("/{task_type}")
    @Operation(summary = "One task type: its cost config, display name, tool type, visibility and progress support",
            description = "404 for a name the registry does not have (a malformed name is not one).")
    public Uni<TaskCostConfigView> get(@PathParam("task_type") String taskType) {
        return costs.get(taskType).map(TaskCostConfigView::of);
    }

    @POST
    @Path("/estimate")
    @Operation(summary = "What a task would cost now",
            description = "Priced like a charge with the current config; duration_seconds is required for per_second types "
                    + "but orchestrators (whose own time is not billed: each sub-task is estimated on its own). "
                    + "Unknown or inactive task_type -> 400.")
    public Uni<EstimateView> estimate(@Valid @NotNull EstimateRequest request) {
        if (request.params() != null && !request.params().isNull() && !request.params().isObject()) {
            throw ProblemException.validation("params", "must be a JSON object");
        }
        return costs.estimate(request.taskType(), request.params(), request.durationSeconds())
                .map(price -> new EstimateView(price.cost(), price.breakdown()));
    }
}
