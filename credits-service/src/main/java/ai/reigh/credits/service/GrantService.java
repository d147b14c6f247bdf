package ai.reigh.credits.service;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.PgErrors;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.LedgerEntryRow;
import ai.reigh.credits.repository.LedgerRepository;
import io.smallrye.mutiny.Uni;

/**
 * Admin grants and adjustments ({@code manual} entries). Idempotent by the admin's key, stored as
 * {@code grant:{admin}:{key}} (keys are scoped to the caller): the same key with the same user,
 * amount and reason answers the first entry (200); with anything else, 409 {@code idempotency_key_reused}.
 */
@ApplicationScoped
public class GrantService {
    private final Db db;
    private final LedgerRepository ledger;

    public GrantService(Db db, LedgerRepository ledger) {
        this.db = db;
        this.ledger = ledger;
    }

    public Uni<Written<LedgerEntryView>> grant(UUID adminId, UUID userId, BigDecimal amount, String reason,
            String idempotencyKey) {
        String ledgerKey = "grant:" + adminId + ":" + idempotencyKey;
        // The admin is recorded in created_by; the user's ledger shows only why.
        ObjectNode metadata = CreditsJson.object().put("reason", reason);
        return db.inTransaction(Actor.admin(adminId), connection -> ledger
                .insertKeyed(connection, userId, amount, AccountService.MANUAL, ledgerKey, adminId, metadata)
                .chain(inserted -> inserted != null ? Uni.createFrom().item(Written.created(inserted))
                        : ledger.byIdempotencyKey(connection, ledgerKey)
                                .map(existing -> replay(existing, userId, amount, reason))))
                .map(written -> new Written<>(LedgerViews.of(written.value()), written.created()))
                .onFailure().transform(GrantService::explain);
    }

    private static Written<LedgerEntryRow> replay(LedgerEntryRow existing, UUID userId, BigDecimal amount, String reason) {
        JsonNode storedReason = existing.metadata() == null ? null : existing.metadata().get("reason");
        boolean sameRequest = existing.userId().equals(userId) && existing.amount().compareTo(amount) == 0
                && storedReason != null && storedReason.asText().equals(reason);
        if (!sameRequest) {
            throw CreditsErrors.idempotencyKeyReused();
        }
        return Written.existing(existing);
    }

    private static Throwable explain(Throwable failure) {
        if (PgErrors.isForeignKeyViolation(failure, CreditsErrors.LEDGER_USER_FK)) {
            return ProblemException.notFound("User");
        }
        if (PgErrors.isCheckViolation(failure, CreditsErrors.BALANCE_NOT_NEGATIVE)) {
            return CreditsErrors.insufficientCredits();
        }
        return failure;
    }
}
