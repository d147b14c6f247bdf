package ai.reigh.common.internal;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Several charges in one call: the outbox relay's batch. Each item is a {@link ChargeRequest} document
 * exactly as the completing transaction stored it, read by the receiver one by one, so that one item it
 * cannot read is refused alone (its {@link ChargeOutcome}) and never fails the others.
 */
public record ChargeBatch(@NotNull @Size(min = 1, max = MAX_CHARGES) List<JsonNode> charges) {
    /** The most charges one call may carry (the relay cuts its batches into calls of this size). */
    public static final int MAX_CHARGES = 100;
}
