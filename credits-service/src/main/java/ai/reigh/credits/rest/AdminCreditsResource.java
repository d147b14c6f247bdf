package ai.reigh.credits.rest;

import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.credits.service.GrantService;
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
    private final CurrentCaller caller;

    public AdminCreditsResource(GrantService grants, RefundService refunds, CurrentCaller caller) {
        this.grants = grants;
        this.refunds = refunds;
        this.caller = caller;
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
