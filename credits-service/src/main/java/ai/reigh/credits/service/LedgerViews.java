package ai.reigh.credits.service;

import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.credits.repository.LedgerEntryRow;

/** Ledger rows as the API shows them (the idempotency key and the acting admin stay internal). */
public final class LedgerViews {
    private LedgerViews() {
    }

    public static LedgerEntryView of(LedgerEntryRow row) {
        return new LedgerEntryView(row.id(), row.userId(), row.amount(), row.type(), row.taskId(), row.metadata(),
                row.createdAt());
    }
}
