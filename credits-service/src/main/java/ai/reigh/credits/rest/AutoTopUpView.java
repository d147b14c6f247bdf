package ai.reigh.credits.rest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import ai.reigh.credits.repository.AutoTopUpChargeRow;
import ai.reigh.credits.service.AutoTopUpService;

/**
 * A user's auto top-up: the preference, whether a card is saved ({@code setup_completed}), and the
 * last charge ({@code status}: pending, charging, processing, succeeded or failed). No card data and
 * no Stripe ids are shown.
 */
public record AutoTopUpView(boolean enabled, Integer amountCents, BigDecimal thresholdCredits, boolean setupCompleted,
        Instant setupCompletedAt, LastCharge lastCharge) {

    public record LastCharge(UUID id, String status, int amountCents, BigDecimal balanceAtDecision, Instant decidedAt,
            Instant settledAt, String error, UUID ledgerEntryId) {
        static LastCharge of(AutoTopUpChargeRow row) {
            return row == null ? null : new LastCharge(row.id(), row.status(), row.amountCents(),
                    row.balanceAtDecision(), row.decidedAt(), row.settledAt(), row.lastError(), row.ledgerEntryId());
        }
    }

    static AutoTopUpView of(AutoTopUpService.State state) {
        var preference = state.preference();
        if (preference == null) {
            return new AutoTopUpView(false, null, null, false, null, LastCharge.of(state.lastCharge()));
        }
        return new AutoTopUpView(preference.enabled(), preference.amountCents(), preference.thresholdCredits(),
                preference.setUp(), preference.setupCompletedAt(), LastCharge.of(state.lastCharge()));
    }
}
