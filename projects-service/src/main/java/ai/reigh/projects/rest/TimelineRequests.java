package ai.reigh.projects.rest;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Request bodies of the timeline operations and of the links read across a project. Only these fields
 * are accepted (unknown ones are a 400 {@code unknown_field}). Every list is bounded: a shot holds at
 * most 1000 links, a project at most 1000 shots.
 */
public final class TimelineRequests {
    static final int MAX_IDS = 1000;

    private TimelineRequests() {
    }

    /** {@code spacing} frames apart (default 50); {@code metadata}: every new link's. */
    public record TimelineAppend(@NotNull @Size(min = 1, max = MAX_IDS) List<@NotNull UUID> generationIds,
            Integer spacing, JsonNode metadata) {
    }

    /**
     * {@code position} is required and may be null (off the timeline); {@code metadata} is a JSON merge
     * patch of the link's.
     */
    public record PositionEntry(@NotNull UUID id, JsonNode position, JsonNode metadata) {
    }

    public record TimelinePositions(@NotNull @Size(min = 1, max = MAX_IDS) List<@NotNull @Valid PositionEntry> positions) {
    }

    /** Every link on the timeline, in its new order; {@code spacing} frames apart (default 50). */
    public record TimelineOrder(@NotNull @Size(min = 1, max = MAX_IDS) List<@NotNull UUID> linkIds, Integer spacing) {
    }

    /** Evenly {@code spacing} apart (default 50), or gaps kept but capped at {@code max_gap}. */
    public record TimelineNormalize(Integer spacing, Integer maxGap) {
    }

    /** {@code normalize} absent: the other links keep their frames. */
    public record TimelineLinks(@NotNull @Size(min = 1, max = MAX_IDS) List<@NotNull UUID> linkIds,
            TimelineNormalize normalize) {
    }

    /** At least one of the two lists; both narrow together. */
    public record LinkBatchGet(@Size(min = 1, max = MAX_IDS) List<@NotNull UUID> shotIds,
            @Size(min = 1, max = MAX_IDS) List<@NotNull UUID> generationIds, Boolean positioned) {
    }
}
