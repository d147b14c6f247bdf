package ai.reigh.credits.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.Roles;
import ai.reigh.common.internal.ChargeBatch;
import ai.reigh.common.internal.ChargeBatchResult;
import ai.reigh.common.internal.ChargeRequest;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.credits.service.ChargeService;
import io.smallrye.mutiny.Uni;

/** Internal: tasks-service's outbox relay charges every Complete task here (at least once), in batches. */
@Path("/internal/v1/charges")
@RolesAllowed(Roles.SERVICE)
@Tag(name = "internal")
public class ChargesResource {
    private final ChargeService charges;

    public ChargesResource(ChargeService charges) {
        this.charges = charges;
    }

    @POST
    @Operation(summary = "Charge a Complete task once",
            description = "201 with the new spend; 200 with the existing one on a replay; 200 with id null, amount 0 and "
                    + "metadata.charged=false for a free task (reason zero_cost, e.g. a per_second orchestrator, whose own "
                    + "time is not billed). A sub-task is charged at its own price (metadata.parent_task_id names its parent). "
                    + "422 task_not_complete / task_mismatch / unknown_task_type / unknown_user.")
    public Uni<RestResponse<LedgerEntryView>> charge(@Valid @NotNull ChargeRequest request) {
        return charges.charge(request).map(written -> RestResponse.status(
                written.created() ? Response.Status.CREATED : Response.Status.OK, written.value()));
    }

    @POST
    @Path("/batch")
    @Operation(summary = "Charge up to 100 Complete tasks in one call",
            description = "The relay's batch: one transaction, one multi-row insert into the ledger. 200 with one outcome per "
                    + "charge, in order: status 201/200 and the entry as the single call answers it, or a 4xx status and "
                    + "its problem (that charge is refused, the others are not). A task twice in one batch is charged once. "
                    + "400 for an empty batch or more than 100 charges.")
    public Uni<ChargeBatchResult> chargeAll(@Valid @NotNull ChargeBatch batch) {
        return charges.chargeAll(batch.charges()).map(ChargeBatchResult::new);
    }
}
