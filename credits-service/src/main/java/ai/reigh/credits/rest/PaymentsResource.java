package ai.reigh.credits.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.http.IdempotencyKeys;
import ai.reigh.credits.service.AutoTopUpService;
import ai.reigh.credits.service.CheckoutService;
import io.smallrye.mutiny.Uni;

/** Buying credits through Stripe Checkout, and auto top-up, for the signed-in user. */
@Path("/v1/credits")
@RolesAllowed(Roles.USER)
@Tag(name = "credits")
public class PaymentsResource {
    private final CheckoutService checkouts;
    private final AutoTopUpService autoTopUps;
    private final CurrentCaller caller;

    public PaymentsResource(CheckoutService checkouts, AutoTopUpService autoTopUps, CurrentCaller caller) {
        this.checkouts = checkouts;
        this.autoTopUps = autoTopUps;
        this.caller = caller;
    }

    @POST
    @Path("/checkout")
    @Operation(summary = "A Stripe Checkout session to buy credits (1 credit = 1 US cent)",
            description = "{amount_cents: 500..10000} → 201 {id, checkout_session_id, url}: send the user to url; the "
                    + "Stripe webhook credits the payment once. Idempotency-Key (header or idempotency_key): the same "
                    + "request again answers the same session (200), another request with the key is 409 "
                    + "idempotency_key_reused. 503 when payments are not configured or Stripe is unreachable (retry "
                    + "with the same key); 502 when Stripe refuses.")
    public Uni<RestResponse<CheckoutView>> checkout(@Valid @NotNull CheckoutRequest body,
            @HeaderParam(IdempotencyKeys.HEADER) String key) {
        String idempotencyKey = IdempotencyKeys.resolve(key, body.idempotencyKey());
        return checkouts.buyCredits(caller.get(), body.amountCents(), idempotencyKey).map(session -> RestResponse
                .status(session.created() ? Status.CREATED : Status.OK, CheckoutView.of(session.row())));
    }

    @GET
    @Path("/auto-top-up")
    @Operation(summary = "The caller's auto top-up: preference, saved card (yes/no) and last charge")
    public Uni<AutoTopUpView> autoTopUp() {
        return autoTopUps.get(caller.get()).map(AutoTopUpView::of);
    }

    @PUT
    @Path("/auto-top-up")
    @Operation(summary = "Turn auto top-up on or off",
            description = "{enabled, amount_cents: 500..10000 (charged, credited as that many credits), threshold_credits: "
                    + ">= 100 and below amount_cents}. When a spend leaves the balance under the threshold, the saved card "
                    + "is charged once (never twice for one crossing, never while a charge is in flight, at most once per "
                    + "window: 1 h). Nothing is charged before a card is saved (POST …/auto-top-up/setup-session).")
    public Uni<AutoTopUpView> saveAutoTopUp(@Valid @NotNull AutoTopUpRequest body) {
        return autoTopUps.save(caller.get(), body.enabled(), body.amountCents(), body.thresholdCredits())
                .map(AutoTopUpView::of);
    }

    @POST
    @Path("/auto-top-up/setup-session")
    @Operation(summary = "A Stripe Checkout session (setup mode) that saves a card for auto top-up",
            description = "201 {id, url}; the webhook (setup_intent.succeeded) saves the card. Idempotency-Key as for "
                    + "checkout.")
    public Uni<RestResponse<CheckoutView>> setupSession(@HeaderParam(IdempotencyKeys.HEADER) String key) {
        return checkouts.saveCard(caller.get(), IdempotencyKeys.resolve(key, null)).map(session -> RestResponse
                .status(session.created() ? Status.CREATED : Status.OK, CheckoutView.of(session.row())));
    }
}
