package ai.reigh.credits.rest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.TaskCostConfigRow;
import ai.reigh.credits.repository.TaskTypeRow;
import ai.reigh.credits.service.OperatorCredits;
import ai.reigh.credits.service.TaskCostService;
import io.smallrye.mutiny.Uni;

@Path("/v1/admin/task-costs")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin")
public class AdminTaskCostsResource {
    private final TaskCostService costs;
    private final CurrentCaller caller;

    private final OperatorCredits operator;

    public AdminTaskCostsResource(TaskCostService costs, OperatorCredits operator, CurrentCaller caller) {
        this.costs = costs;
        this.operator = operator;
        this.caller = caller;
    }

    @GET
    @Path("/{task_type}/versions")
    @Operation(summary = "Every version of a task type's price, newest first",
            description = "Each with valid_from (in force from then until the next version). 404 for an unknown type.")
    public Uni<VersionsView> versions(
            @PathParam("task_type") @Pattern(regexp = "[a-z0-9_]{1,64}", message = "must match [a-z0-9_]{1,64}") String taskType) {
        return operator.versions(caller.get().requireUserId(), taskType)
                .map(rows -> new VersionsView(rows.stream().map(VersionView::of).toList()));
    }

    public record VersionsView(List<VersionView> items) {
    }

    public record VersionView(int version, Instant validFrom, String billingType, BigDecimal baseCostPerSecond,
            BigDecimal unitCost, JsonNode costFactors, String runType, String category, String contentType, boolean isActive) {
        static VersionView of(TaskCostConfigRow row) {
            return new VersionView(row.version(), row.validFrom(), row.billingType(),
                    CreditsJson.normalized(row.baseCostPerSecond()), CreditsJson.normalized(row.unitCost()),
                    row.costFactors(), row.runType(), row.category(), row.contentType(), row.isActive());
        }
    }

    @PUT
    @Path("/{task_type}")
    @Operation(summary = "Create (201) or replace (200) a task type's cost config",
            description = "Every change is a new version in force from now; tasks that started earlier keep their version. "
                    + "An identical PUT writes no version.")
    public Uni<RestResponse<TaskCostConfigView>> upsert(
            @PathParam("task_type") @Pattern(regexp = "[a-z0-9_]{1,64}", message = "must match [a-z0-9_]{1,64}") String taskType,
            @Valid @NotNull TaskCostConfigUpsert body) {
        TaskCostConfigRow config = toRow(taskType, body);
        TaskTypeRow.Display display = new TaskTypeRow.Display(body.toolType(),
                body.isVisible() == null || body.isVisible(), Boolean.TRUE.equals(body.supportsProgress()));
        return costs.upsert(caller.get().requireUserId(), config, display).map(written -> RestResponse.status(
                written.created() ? Response.Status.CREATED : Response.Status.OK, TaskCostConfigView.of(written.value())));
    }

    static TaskCostConfigRow toRow(String taskType, TaskCostConfigUpsert body) {
        List<FieldError> errors = new ArrayList<>(CostFactorsValidation.check(body.costFactors()));
        boolean perSecond = TaskCostConfigRow.PER_SECOND.equals(body.billingType());
        if (perSecond && body.baseCostPerSecond() == null) {
            errors.add(new FieldError("base_cost_per_second", "is required for per_second"));
        }
        if (!perSecond && body.unitCost() == null) {
            errors.add(new FieldError("unit_cost", "is required for per_unit"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return new TaskCostConfigRow(taskType, body.billingType(), orZero(body.baseCostPerSecond()), orZero(body.unitCost()),
                body.costFactors() == null || body.costFactors().isNull() ? CreditsJson.object() : body.costFactors(),
                body.runType() == null ? "gpu" : body.runType(),
                body.category() == null ? "generation" : body.category(), body.contentType(), body.displayName(),
                body.isActive() == null || body.isActive(), 0, null);
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
