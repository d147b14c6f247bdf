package ai.reigh.credits.service;

import java.util.UUID;

/**
 * What a Stripe delivery did: {@code credited} (a new entry), {@code duplicate} (that session was
 * already credited: same entry, nothing written) or {@code ignored} (an event that moves no money).
 */
public record StripeOutcome(String outcome, UUID ledgerEntryId, String detail) {
    public static final String CREDITED = "credited";
    public static final String DUPLICATE = "duplicate";
    public static final String IGNORED = "ignored";

    static StripeOutcome ignored(String detail) {
        return new StripeOutcome(IGNORED, null, detail);
    }
}
