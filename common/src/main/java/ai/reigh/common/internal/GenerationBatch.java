package ai.reigh.common.internal;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.tracing.TraceContinuations;

/**
 * Several generations in one call: the outbox relay's batch. Each item is a {@link GenerationFromTask}
 * document exactly as the completing transaction stored it, read and delivered by the receiver one by
 * one (each its own transaction, as the single call), so that one item it refuses never fails the others.
 *
 * <p>{@code traceparents}, when given, holds for each item (same position) the trace context its
 * completion stored, or null: the receiver writes each generation in a span continuing that trace, so the
 * generation is in the trace of the worker's completion although the call serves many.
 */
public record GenerationBatch(@NotNull @Size(min = 1, max = MAX_GENERATIONS) List<JsonNode> generations,
        @Size(max = MAX_GENERATIONS) List<@Pattern(regexp = TraceContinuations.TRACEPARENT) String> traceparents) {
    /** The most generations one call may carry (the relay cuts its batches into calls of this size). */
    public static final int MAX_GENERATIONS = 50;

    /** The stored trace context of the item at {@code index}, or null. */
    public String traceparentOf(int index) {
        return traceparents == null || index >= traceparents.size() ? null : traceparents.get(index);
    }
}
