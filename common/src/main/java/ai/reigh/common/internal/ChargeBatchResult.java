package ai.reigh.common.internal;

import java.util.List;

/** One {@link ChargeOutcome} per charge of a {@link ChargeBatch}, in the order they were sent. */
public record ChargeBatchResult(List<ChargeOutcome> results) {
}
