package ai.reigh.projects.service;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.repository.ShotLinkRepository;
import ai.reigh.projects.repository.ShotLinkRow;

/**
 * The arithmetic of a timeline operation, on the links as they are under the shot's lock: which link
 * goes to which frame. Pure, so that the transaction only reads, plans and writes once.
 */
final class TimelinePlan {
    /** Frames between neighbours when a request does not say. */
    static final int DEFAULT_SPACING = ShotLinkRepository.FRAME_SPACING;
    /** A spacing or gap larger than this is a typo, not a timeline (about 7 minutes at 24 fps). */
    static final int MAX_SPACING = 10_000;

    private TimelinePlan() {
    }

    static void requireSpacing(String field, int value) {
        if (value < 1 || value > MAX_SPACING) {
            throw ProblemException.validation(field, "must be between 1 and " + MAX_SPACING);
        }
    }

    /** Frame i × spacing for the i-th link; refused when the last would pass the position bound. */
    static Map<UUID, Integer> evenly(List<UUID> order, int spacing, String field) {
        long last = (long) Math.max(order.size() - 1, 0) * spacing;
        if (last > ShotLinkRepository.MAX_POSITION) {
            throw ProblemException.validation(field, "is too large for " + order.size() + " links (the last frame would be "
                    + last + ", past " + ShotLinkRepository.MAX_POSITION + ")");
        }
        Map<UUID, Integer> frames = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            frames.put(order.get(i), i * spacing);
        }
        return frames;
    }

    /** The first link at frame 0, each next one its old distance further, at most {@code maxGap}. */
    static Map<UUID, Integer> compacted(List<ShotLinkRow> positionedInOrder, int maxGap) {
        Map<UUID, Integer> frames = new LinkedHashMap<>();
        int frame = 0;
        Integer previous = null;
        for (ShotLinkRow link : positionedInOrder) {
            if (previous != null) {
                frame += Math.min(link.position() - previous, maxGap);
            }
            frames.put(link.id(), frame);
            previous = link.position();
        }
        return frames;
    }

    /** The shot's positioned links, by frame. */
    static List<ShotLinkRow> positioned(List<ShotLinkRow> links) {
        return links.stream().filter(link -> link.position() != null)
                .sorted(Comparator.comparing(ShotLinkRow::position)).toList();
    }

    /**
     * The frames after {@code changes} (link → new frame, null = off the timeline) are applied to
     * {@code links}: refused with 409 {@code position_taken} when two links would share one.
     */
    static void requireDistinctFrames(List<ShotLinkRow> links, Map<UUID, Integer> changes) {
        Map<Integer, UUID> holder = new HashMap<>();
        for (ShotLinkRow link : links) {
            Integer frame = changes.containsKey(link.id()) ? changes.get(link.id()) : link.position();
            if (frame != null && holder.putIfAbsent(frame, link.id()) != null) {
                throw ShotLinkService.positionTaken(frame);
            }
        }
    }

    /**
     * Each id once, and each a link of this shot, else a 400 on the field {@code fieldOfEntry} names
     * for the entry (a list's own name, or {@code positions[i].id}).
     */
    static void requireLinksOfShot(List<UUID> ids, Set<UUID> shotLinks, IntFunction<String> fieldOfEntry) {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            UUID id = ids.get(i);
            if (!seen.add(id)) {
                throw ProblemException.validation(fieldOfEntry.apply(i), "names a link twice (" + id + ")");
            }
            if (!shotLinks.contains(id)) {
                throw ProblemException.validation(fieldOfEntry.apply(i), "is not a link of this shot (" + id + ")");
            }
        }
    }

    /** Ids of the links, as a set. */
    static Set<UUID> ids(List<ShotLinkRow> links) {
        Set<UUID> ids = new HashSet<>();
        links.forEach(link -> ids.add(link.id()));
        return ids;
    }

    /** Only the changes that move a link (a plan may name links already where it puts them). */
    static Map<UUID, Integer> moves(List<ShotLinkRow> links, Map<UUID, Integer> plan) {
        Map<UUID, Integer> moves = new LinkedHashMap<>();
        for (ShotLinkRow link : links) {
            if (plan.containsKey(link.id()) && !Objects.equals(plan.get(link.id()), link.position())) {
                moves.put(link.id(), plan.get(link.id()));
            }
        }
        return moves;
    }
}
