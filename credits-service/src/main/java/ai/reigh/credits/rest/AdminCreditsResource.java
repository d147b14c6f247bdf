package ai.reigh.credits.rest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.common.time.MinuteWindow;
import ai.reigh.credits.repository.LedgerEntryRow;
import ai.reigh.credits.repository.LedgerFilter;
import ai.reigh.credits.repository.LedgerRepository;
import ai.reigh.credits.service.GrantService;
import ai.reigh.credits.service.OperatorCredits;
import ai.reigh.credits.service.RefundService;
import ai.reigh.credits.service.Written;
import io.smallrye.mutiny.Uni;

@Path("/v1/admin/credits")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin")
public class AdminCreditsResource {
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    /** Visible ASCII, 1..200: the key is stored (prefixed) in the ledger's 300-character key column. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private final GrantService grants;
    private final RefundService refunds;
    private final OperatorCredits operator;
    private final CurrentCaller caller;

    public AdminCreditsResource(GrantService grants, RefundService refunds, OperatorCredits operator,
            CurrentCaller caller) {
        this.grants = grants;
        this.refunds = refunds;
        this.operator = operator;
        this.caller = caller;
    }

    @GET
    @Path("/users/{user_id}")
    @Operation(summary = "A user's balance next to the sum of their ledger, and whether they agree",
            description = "balance = users.total_credits, ledger_sum = Σ of the user's ledger entries (the invariant: "
                    + "equal), entries = how many. 404 for an unknown user.")
    public Uni<AccountView> account(@PathParam("user_id") UUID userId) {
        return operator.account(caller.get().requireUserId(), userId)
                .map(check -> new AccountView(userId, check.balance(), check.ledgerSum(), check.consistent(), check.entries()));
    }

    @GET
    @Path("/ledger")
    @Operation(summary = "Ledger entries of one user or of everyone, newest first",
            description = "Filters (all apply): user_id, task_id (one or a comma list of up to 100), type and "
                    + "exclude_type (comma lists of stripe, manual, spend, refund, auto_topup). Cursor pages "
                    + "(?limit=1..200&cursor=). Each entry names the admin who made it (created_by) and what it refunds.")
    public Uni<Page<AdminLedgerEntryView>> ledger(@QueryParam("user_id") String userId, @QueryParam("task_id") String taskId,
            @QueryParam("type") String type, @QueryParam("exclude_type") String excludeType,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        LedgerFilter filter = new LedgerFilter(LedgerQuery.types("type", type), LedgerQuery.types("exclude_type", excludeType),
                LedgerQuery.taskIds(taskId));
        return operator.ledger(caller.get().requireUserId(), LedgerQuery.userId(userId), filter,
                PageRequest.fromQuery(limit, cursor)).map(page -> page.map(AdminLedgerEntryView::of));
    }

    @GET
    @Path("/activity")
    @Operation(summary = "Charges (spend entries) and credits spent per minute",
            description = "The last ?minutes=1..1440 (default 60) minutes, oldest first, every minute present.")
    public Uni<ChargeActivityView> activity(@QueryParam("minutes") String minutes) {
        return operator.chargesPerMinute(caller.get().requireUserId(), MinuteWindow.fromQuery(minutes))
                .map(ChargeActivityView::new);
    }

    public record AccountView(UUID userId, BigDecimal balance, BigDecimal ledgerSum, boolean consistent, long entries) {
    }

    public record ChargeActivityView(List<LedgerRepository.ChargesInMinute> minutes) {
    }

    /** A ledger entry as an operator sees it: with the admin who made it and the entry it refunds. */
    public record AdminLedgerEntryView(UUID id, UUID userId, BigDecimal amount, String type, UUID taskId, UUID refundOf,
            UUID createdBy, JsonNode metadata, Instant createdAt) {
        static AdminLedgerEntryView of(LedgerEntryRow row) {
            return new AdminLedgerEntryView(row.id(), row.userId(), row.amount(), row.type(), row.taskId(), row.refundOf(),
                    row.createdBy(), row.metadata(), row.createdAt());
        }
    }

    @POST
    @Path("/grants")
    @Operation(summary = "Grant (or, negative, take back) credits: a manual entry",
            description = "idempotency_key (body or Idempotency-Key header) is required: a replay answers the first entry (200), "
                    + "the same key with another body 409 idempotency_key_reused. Unknown user 404; "
                    + "a negative amount that would take the balance below zero 422 insufficient_credits.")
    public Uni<RestResponse<LedgerEntryView>> grant(@HeaderParam(IDEMPOTENCY_KEY_HEADER) String headerKey,
            @Valid @NotNull GrantRequest request) {
        String key = idempotencyKey(headerKey, request.idempotencyKey());
        return grants.grant(caller.get().requireUserId(), request.userId(), request.amount(), request.reason(), key)
                .map(AdminCreditsResource::answer);
    }

    @POST
    @Path("/refunds")
    @Operation(summary = "Refund a spend (all of it by default, never more), at most once",
            description = "Not a spend 422 not_a_spend; more than the spend 422 refund_exceeds_spend; the same refund again "
                    + "answers the first (200); a different one 409 already_refunded.")
    public Uni<RestResponse<LedgerEntryView>> refund(@Valid @NotNull RefundRequest request) {
        return refunds.refund(caller.get().requireUserId(), request.ledgerEntryId(), request.reason(), request.amount())
                .map(AdminCreditsResource::answer);
    }

    static String idempotencyKey(String header, String body) {
        if (header != null && body != null && !header.equals(body)) {
            throw ProblemException.validation("idempotency_key", "must match the Idempotency-Key header");
        }
        String key = body != null ? body : header;
        if (key == null || key.isEmpty()) {
            throw ProblemException.validation("idempotency_key", "is required (in the body or the Idempotency-Key header)");
        }
        if (!KEY.matcher(key).matches()) {
            throw ProblemException.validation("idempotency_key", "must be 1..200 visible ASCII characters");
        }
        return key;
    }

    private static RestResponse<LedgerEntryView> answer(Written<LedgerEntryView> written) {
        return RestResponse.status(written.created() ? Response.Status.CREATED : Response.Status.OK, written.value());
    }
}
