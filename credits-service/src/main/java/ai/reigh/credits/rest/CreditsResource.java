package ai.reigh.credits.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.credits.repository.LedgerFilter;
import ai.reigh.credits.service.AccountService;
import io.smallrye.mutiny.Uni;

/** The signed-in user's own credits. */
@Path("/v1/credits")
@RolesAllowed(Roles.USER)
@Tag(name = "credits")
public class CreditsResource {
    private final AccountService accounts;
    private final CurrentCaller caller;

    public CreditsResource(AccountService accounts, CurrentCaller caller) {
        this.accounts = accounts;
        this.caller = caller;
    }

    @GET
    @Path("/balance")
    @Operation(summary = "The caller's balance (0 before any entry)")
    public Uni<BalanceView> balance() {
        return accounts.balance(caller.get()).map(BalanceView::new);
    }

    @GET
    @Path("/ledger")
    @Operation(summary = "The caller's ledger entries, newest first",
            description = "Cursor pages: ?limit=1..200 (default 50)&cursor=<next_cursor>. Only the caller's own entries. "
                    + "Filters (all apply): type=a,b (any of stripe, manual, spend, refund, auto_topup), exclude_type=spend "
                    + "(the purchases and grants page), task_id=<up to 100 comma-separated ids> (the spends of a page of "
                    + "tasks). include_total=true adds total, the exact number of matching entries.")
    public Uni<Page<LedgerEntryView>> ledger(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @QueryParam("type") String type, @QueryParam("exclude_type") String excludeType,
            @QueryParam("task_id") String taskId, @QueryParam("include_total") String includeTotal) {
        LedgerFilter filter = new LedgerFilter(LedgerQuery.types("type", type), LedgerQuery.types("exclude_type", excludeType),
                LedgerQuery.taskIds(taskId));
        return accounts.ledger(caller.get(), filter, PageRequest.fromQuery(limit, cursor, includeTotal));
    }

    @POST
    @Path("/welcome-bonus")
    @Operation(summary = "+500 credits, once per user",
            description = "201 with the manual entry; 409 welcome_bonus_already_granted afterwards (also for concurrent calls).")
    public Uni<RestResponse<LedgerEntryView>> welcomeBonus() {
        return accounts.welcomeBonus(caller.get()).map(entry -> RestResponse.status(Response.Status.CREATED, entry));
    }
}
