package ai.reigh.common.internal;

import java.util.UUID;

import ai.reigh.common.error.Problem;

/**
 * What became of one generation of a {@link GenerationBatch}, as the single call would have answered
 * it: {@code status} 201 with the row that now holds the task's output, 200 with the row an earlier
 * delivery made, a 4xx with its {@code problem} (refused: retrying cannot help), or 503 when it failed
 * for a reason that may pass (that item is tried again, the others are not held back).
 * {@code task_id} is null only for an item that could not be read at all.
 */
public record GenerationOutcome(UUID taskId, int status, GenerationRef generation, Problem problem) {
}
