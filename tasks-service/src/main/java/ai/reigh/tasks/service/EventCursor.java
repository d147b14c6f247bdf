package ai.reigh.tasks.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the realtime feed has read up to, robust to commit order. Event ids are allocated when a
 * row is inserted but become visible when its transaction commits, so id 11 may be read before id
 * 10 exists. The cursor remembers such holes for a while ({@code gapTimeoutNanos}) and asks for them
 * again with every read; a hole that never fills (its transaction rolled back) is forgotten. Each id
 * is accepted once. Not thread-safe: the feed reads with one reader at a time.
 */
final class EventCursor {
    /** Holes remembered at most; past it the oldest are given up (a burst of rollbacks). */
    static final int MAX_GAPS = 10_000;

    private final long gapTimeoutNanos;
    private long maxSeen;
    /** Missing id → when it was first noticed missing (System.nanoTime). */
    private final TreeMap<Long, Long> gaps = new TreeMap<>();

    EventCursor(long start, long gapTimeoutNanos) {
        this.maxSeen = start;
        this.gapTimeoutNanos = gapTimeoutNanos;
    }

    long maxSeen() {
        return maxSeen;
    }

    /** The holes to ask for again. */
    Long[] gaps() {
        return gaps.keySet().toArray(Long[]::new);
    }

    /**
     * Takes a read (ids in ascending order) and returns those not accepted before, in order: new ids
     * above everything seen, and holes that filled.
     */
    List<Long> accept(List<Long> ids, long nowNanos) {
        List<Long> fresh = new ArrayList<>(ids.size());
        for (long id : ids) {
            if (id > maxSeen) {
                for (long missing = Math.max(maxSeen + 1, id - MAX_GAPS); missing < id; missing++) {
                    gaps.put(missing, nowNanos);
                }
                maxSeen = id;
                fresh.add(id);
            } else if (gaps.remove(id) != null) {
                fresh.add(id);
            }
        }
        expire(nowNanos);
        return fresh;
    }

    /** Forgets holes older than the timeout, and the oldest beyond the bound. */
    void expire(long nowNanos) {
        for (Iterator<Map.Entry<Long, Long>> entries = gaps.entrySet().iterator(); entries.hasNext();) {
            if (nowNanos - entries.next().getValue() > gapTimeoutNanos) {
                entries.remove();
            }
        }
        while (gaps.size() > MAX_GAPS) {
            gaps.pollFirstEntry();
        }
    }

    /** Starts over at {@code start} (the feed was idle and did not follow). */
    void reset(long start) {
        maxSeen = start;
        gaps.clear();
    }
}
