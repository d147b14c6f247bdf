package ai.reigh.credits.service;

import java.util.UUID;

/**
 * What a Stripe delivery did: {@code credited} (a new entry), {@code duplicate} (that session or
 * PaymentIntent was already credited: same entry, nothing written), {@code card_saved} (auto top-up's
 * card), {@code recorded} (a failed auto top-up charge) or {@code ignored} (an event that moves no money).
 */
public record StripeOutcome(String outcome, UUID ledgerEntryId, String detail) {
    public static final String CREDITED = "credited";
    public static final String DUPLICATE = "duplicate";
    public static final String IGNORED = "ignored";
    /** A setup session saved the user's card for auto top-up. */
    public static final String CARD_SAVED = "card_saved";
    /** An auto top-up charge failed at Stripe after it was accepted: recorded on the charge. */
    public static final String RECORDED = "recorded";

    static StripeOutcome ignored(String detail) {
        return new StripeOutcome(IGNORED, null, detail);
    }
}
