package ai.reigh.credits.rest;

import java.util.UUID;

/** The 200 answer to Stripe: {@code outcome} is credited, duplicate or ignored. */
public record StripeWebhookAck(boolean received, String outcome, UUID ledgerEntryId, String detail) {
}
