package ai.reigh.common.internal;

import java.util.List;

/** One {@link GenerationOutcome} per generation of a {@link GenerationBatch}, in the order they were sent. */
public record GenerationBatchResult(List<GenerationOutcome> results) {
}
