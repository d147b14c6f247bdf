package ai.reigh.credits.repository;

import java.util.List;
import java.util.UUID;

/**
 * What a ledger page keeps (AND; null or empty: any): entries of these {@code types}, of none of
 * {@code excludedTypes}, of these {@code taskIds} (the spends of a page of tasks).
 */
public record LedgerFilter(List<String> types, List<String> excludedTypes, List<UUID> taskIds) {
    public static final List<String> TYPES = List.of("stripe", "manual", "spend", "refund", "auto_topup");

    public static LedgerFilter none() {
        return new LedgerFilter(null, null, null);
    }
}
