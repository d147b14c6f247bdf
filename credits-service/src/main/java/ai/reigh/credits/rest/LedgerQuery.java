package ai.reigh.credits.rest;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import ai.reigh.common.error.ProblemException;
import ai.reigh.credits.repository.LedgerFilter;

/** The ledger's filters from their query strings: a malformed one is a 400 naming it. */
final class LedgerQuery {
    static final int MAX_TASK_IDS = 100;

    private LedgerQuery() {
    }

    static List<String> types(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        List<String> types = Arrays.asList(value.split(",", -1));
        if (!LedgerFilter.TYPES.containsAll(types)) {
            throw ProblemException.validation(name, "must be comma-separated values of " + String.join(", ", LedgerFilter.TYPES));
        }
        return types.stream().distinct().toList();
    }

    static List<UUID> taskIds(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String[] items = value.split(",", -1);
        if (items.length > MAX_TASK_IDS) {
            throw ProblemException.validation("task_id", "must be at most " + MAX_TASK_IDS + " comma-separated ids");
        }
        try {
            return Arrays.stream(items).map(item -> {
                if (item.length() != 36) {
                    throw new IllegalArgumentException();
                }
                return UUID.fromString(item);
            }).distinct().toList();
        } catch (IllegalArgumentException e) {
            throw ProblemException.validation("task_id", "must be comma-separated UUIDs");
        }
    }

    /** {@code ?user_id=}: absent, or one canonical UUID. */
    static UUID userId(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ProblemException.validation("user_id", "must be a UUID");
    }
}
