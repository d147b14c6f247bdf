package ai.reigh.credits.service;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.credits.config.CreditsConfig;
import ai.reigh.credits.repository.AutoTopUpChargeRepository;
import ai.reigh.credits.repository.AutoTopUpChargeRow;
import ai.reigh.credits.repository.AutoTopUpRepository;
import ai.reigh.credits.repository.AutoTopUpRow;
import ai.reigh.credits.repository.UserRepository;
import io.smallrye.mutiny.Uni;

/** A user's auto top-up preference and its state (saved card, last charge), as the user sees them. */
@ApplicationScoped
public class AutoTopUpService {
    private final Db db;
    private final UserRepository users;
    private final AutoTopUpRepository autoTopUps;
    private final AutoTopUpChargeRepository charges;
    private final CreditsConfig.AutoTopUp settings;

    public AutoTopUpService(Db db, UserRepository users, AutoTopUpRepository autoTopUps,
            AutoTopUpChargeRepository charges, CreditsConfig config) {
        this.db = db;
        this.users = users;
        this.autoTopUps = autoTopUps;
        this.charges = charges;
        this.settings = config.autoTopUp();
    }

    /** The preference (null before any), and the user's latest charge (null before any). */
    public record State(AutoTopUpRow preference, AutoTopUpChargeRow lastCharge) {
    }

    public Uni<State> get(Caller caller) {
        UUID userId = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> autoTopUps.find(connection, userId)
                .chain(preference -> charges.latestOfUser(connection, userId)
                        .map(last -> new State(preference, last))));
    }

    /**
     * Turns auto top-up on ({@code amount_cents} and {@code threshold_credits} required, the threshold
     * under the amount) or off. On without a saved card is allowed: nothing is charged until the setup
     * session saved one.
     */
    public Uni<State> save(Caller caller, boolean enabled, Integer amountCents, BigDecimal thresholdCredits) {
        if (enabled || amountCents != null || thresholdCredits != null) {
            validate(amountCents, thresholdCredits);
        }
        UUID userId = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> users.ensure(connection, userId, caller.email().orElse(null))
                .chain(() -> autoTopUps.savePreference(connection, userId, enabled, amountCents, thresholdCredits))
                .chain(saved -> charges.latestOfUser(connection, userId).map(last -> new State(saved, last))));
    }

    private void validate(Integer amountCents, BigDecimal thresholdCredits) {
        List<FieldError> errors = new ArrayList<>();
        if (amountCents == null || amountCents < settings.minAmountCents() || amountCents > settings.maxAmountCents()) {
            errors.add(new FieldError("amount_cents",
                    "must be between " + settings.minAmountCents() + " and " + settings.maxAmountCents()));
        }
        if (thresholdCredits == null || thresholdCredits.compareTo(BigDecimal.valueOf(settings.minThresholdCredits())) < 0
                || thresholdCredits.stripTrailingZeros().scale() > 3) {
            errors.add(new FieldError("threshold_credits",
                    "must be at least " + settings.minThresholdCredits() + " with at most 3 decimals"));
        } else if (amountCents != null && thresholdCredits.compareTo(BigDecimal.valueOf(amountCents)) >= 0) {
            errors.add(new FieldError("threshold_credits", "must be below amount_cents (the credits one top-up buys)"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
    }
}
