package ai.reigh.credits.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import ai.reigh.credits.service.StripeWebhookService;
import io.smallrye.mutiny.Uni;

/**
 * Stripe's deliveries. No bearer token: the body's HMAC signature is the authentication, so the
 * raw bytes are read exactly as sent (any re-serialisation would break the signature).
 */
@Path("/v1/credits/stripe/webhook")
@Tag(name = "credits")
public class StripeWebhookResource {
    static final String SIGNATURE_HEADER = "Stripe-Signature";

    private final StripeWebhookService webhooks;

    public StripeWebhookResource(StripeWebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Stripe webhook: checkout.session.completed credits the buyer once per session",
            description = "Unsigned, wrongly signed or stale (outside the tolerance) -> 400 invalid_signature. Other events "
                    + "are acknowledged (outcome ignored); a replayed session is acknowledged (outcome duplicate) without "
                    + "a second entry; a paid session that cannot be credited -> 422 uncreditable_payment (Stripe retries). A "
                    + "deployment without a usable webhook secret -> 503 stripe_webhook_not_configured (Stripe retries).")
    public Uni<StripeWebhookAck> receive(@HeaderParam(SIGNATURE_HEADER) String signature, byte[] payload) {
        return webhooks.handle(signature, payload == null ? new byte[0] : payload)
                .map(outcome -> new StripeWebhookAck(true, outcome.outcome(), outcome.ledgerEntryId(), outcome.detail()));
    }
}
