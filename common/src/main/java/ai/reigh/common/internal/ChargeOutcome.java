package ai.reigh.common.internal;

import java.util.UUID;

import ai.reigh.common.error.Problem;

/**
 * What became of one charge of a {@link ChargeBatch}, as the single call would have answered it:
 * {@code status} 201 with the new spend, 200 with the existing one (a replay) or a free task's
 * uncharged entry, or a 4xx with its {@code problem} (the charge is refused: retrying it cannot help).
 * {@code task_id} is null only for an item that could not be read at all.
 */
public record ChargeOutcome(UUID taskId, int status, LedgerEntryView entry, Problem problem) {
}
