package ai.reigh.credits.service;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.credits.repository.CreditsJson;
import ai.reigh.credits.repository.LedgerEntryRow;
import ai.reigh.credits.repository.LedgerRepository;
import io.smallrye.mutiny.Uni;

/**
 * Refunds of spends, at most one per spend (unique index), never more than the spend. The spend is
 * the natural idempotency key: asking again for the same amount and reason answers the existing
 * refund (200); a different refund of an already refunded spend is 409 {@code already_refunded}.
 */
@ApplicationScoped
public class RefundService {
    private final Db db;
    private final LedgerRepository ledger;

    public RefundService(Db db, LedgerRepository ledger) {
        this.db = db;
        this.ledger = ledger;
    }

    /** @param amount null refunds the whole spend */
    public Uni<Written<LedgerEntryView>> refund(UUID adminId, UUID spendId, String reason, BigDecimal amount) {
        return db.inTransaction(Actor.admin(adminId), connection -> ledger.byId(connection, spendId).chain(spend -> {
            BigDecimal refund = refundAmount(spend, amount);
            // The admin is recorded in created_by; the user's ledger shows which spend and why.
            ObjectNode metadata = CreditsJson.object().put("reason", reason).put("refund_of", spendId.toString());
            return ledger.insertRefund(connection, spend, refund, adminId, metadata)
                    .chain(inserted -> inserted != null ? Uni.createFrom().item(Written.created(inserted))
                            : ledger.refundOf(connection, spendId).map(existing -> replay(existing, refund, reason)));
        })).map(written -> new Written<>(LedgerViews.of(written.value()), written.created()));
    }

    private static BigDecimal refundAmount(LedgerEntryRow spend, BigDecimal requested) {
        if (spend == null) {
            throw ProblemException.notFound("Ledger entry");
        }
        if (!"spend".equals(spend.type())) {
            throw ProblemException.unprocessable(CreditsErrors.NOT_A_SPEND, "Only spend entries can be refunded.");
        }
        BigDecimal spent = spend.amount().negate();
        if (requested == null) {
            return spent;
        }
        if (requested.compareTo(spent) > 0) {
            throw ProblemException.unprocessable(CreditsErrors.REFUND_EXCEEDS_SPEND,
                    "A refund may not exceed its spend (" + spent.toPlainString() + ").");
        }
        return requested;
    }

    private static Written<LedgerEntryRow> replay(LedgerEntryRow existing, BigDecimal amount, String reason) {
        JsonNode storedReason = existing.metadata() == null ? null : existing.metadata().get("reason");
        if (existing.amount().compareTo(amount) != 0 || storedReason == null || !storedReason.asText().equals(reason)) {
            throw ProblemException.conflict(CreditsErrors.ALREADY_REFUNDED,
                    "This spend was already refunded (" + existing.amount().toPlainString() + ").");
        }
        return Written.existing(existing);
    }
}
