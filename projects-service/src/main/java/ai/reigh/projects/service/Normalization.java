package ai.reigh.projects.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.repository.ShotLinkRow;

/**
 * How a timeline is re-spaced: evenly {@code spacing} apart from frame 0, or from frame 0 with
 * every gap kept but capped at {@code maxGap} (what the web app does after a delete, so that the
 * frame counts a user set between neighbours survive). At most one of the two; neither = evenly 50.
 */
public record Normalization(Integer spacing, Integer maxGap) {
    public static Normalization of(Integer spacing, Integer maxGap) {
        if (spacing != null && maxGap != null) {
            throw ProblemException.validation("max_gap", "give spacing or max_gap, not both");
        }
        if (spacing != null) {
            TimelinePlan.requireSpacing("spacing", spacing);
        }
        if (maxGap != null) {
            TimelinePlan.requireSpacing("max_gap", maxGap);
        }
        return new Normalization(spacing, maxGap);
    }

    /** The new frame of each link on the timeline (given in frame order). */
    Map<UUID, Integer> plan(List<ShotLinkRow> positionedInOrder) {
        if (maxGap != null) {
            return TimelinePlan.compacted(positionedInOrder, maxGap);
        }
        return TimelinePlan.evenly(positionedInOrder.stream().map(ShotLinkRow::id).toList(),
                spacing == null ? TimelinePlan.DEFAULT_SPACING : spacing, "spacing");
    }
}
