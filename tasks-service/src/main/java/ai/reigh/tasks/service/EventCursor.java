package ai.reigh.tasks.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Where the realtime feed has read up to, and which events it may hand out, robust to commit order.
 *
 * <p>Event ids are allocated when a row is inserted but become visible when its transaction commits, so
 * id 11 may be read before id 10 exists. The cursor remembers such holes and asks for them again with
 * every read. It releases events <b>in id order, never past an open hole</b>: 11 waits until 10 is read
 * or given up. That is what makes an event id a resume point: a client that received 11 has received
 * every earlier event that will ever be released, so Last-Event-ID 11 (a backlog of the ids above 11)
 * misses nothing. Releasing 11 at once, as the feed first did, lost 10 for a client that went away
 * between the two (its instance died, its network dropped): 10 was not in the backlog above 11, and
 * the live feed had already handed it out.
 *
 * <p>A hole is given up (its events released behind it) when the transaction that took the id can no
 * longer commit. The writer was given its transaction id before it took the event id (every trigger that
 * publishes writes its own table first), so before the read that noticed the hole: a transaction id
 * assigned after that read ({@code pg_current_xact_id()}, asked for by the next read while some hole has
 * no such bound) is above the writer's. Once a read's {@code xmin} (the oldest transaction still running)
 * has passed that bound, the writer has ended, and the id still missing means it rolled back. So the wait
 * behind a hole is the writer's own commit time, not a timeout. The snapshot's {@code xmax} is no such
 * bound, although it reads like one: it is the latest <i>completed</i> transaction id + 1, and a writer
 * younger than every committed transaction is above it while it runs (judging by it lost events under
 * load). The timeout ({@code gapTimeoutNanos}) remains for a writer that stays open: past it the hole is
 * given up (an event committed after that is not delivered live; a resume still finds it).
 *
 * <p>Each id is released once. Bounded: at most {@link #MAX_GAPS} holes and {@link #MAX_HELD} events held
 * (past either, the oldest holes are given up). Not thread-safe: the feed reads with one reader at a time.
 */
final class EventCursor<E> {
    /** Holes remembered at most; past it the oldest are given up (a burst of rollbacks). */
    static final int MAX_GAPS = 10_000;
    /** Events held behind holes at most; past it the oldest holes are given up. */
    static final int MAX_HELD = 10_000;

    /** The bound of a hole noticed by a read that did not ask for a transaction id: none yet. */
    static final long UNBOUNDED = Long.MAX_VALUE;

    /**
     * What a read tells about transactions: {@code xmin}, the oldest transaction still running at its
     * snapshot, and {@code xidAfter}, a transaction id assigned after its snapshot (above every id assigned
     * before), or {@link #UNBOUNDED} when it did not ask for one. {@link #partial} for a read that may not
     * have returned every filled hole (its batch was full): it cannot tell a rolled-back hole from one it
     * did not get to.
     */
    record Snapshot(long xmin, long xidAfter) {
        static Snapshot partial(long xidAfter) {
            return new Snapshot(Long.MIN_VALUE, xidAfter);
        }
    }

    /**
     * A missing id: when it was noticed, and a transaction id above its writer's ({@link #UNBOUNDED} until
     * a read brings one).
     */
    private record Hole(long noticedAtNanos, long writerBelowXid) {
        Hole bounded(long xid) {
            return writerBelowXid == UNBOUNDED ? new Hole(noticedAtNanos, xid) : this;
        }
    }

    private final long gapTimeoutNanos;
    private final ToLongFunction<E> idOf;
    private long maxSeen;
    private final TreeMap<Long, Hole> gaps = new TreeMap<>();
    private final TreeMap<Long, E> held = new TreeMap<>();

    EventCursor(long start, long gapTimeoutNanos, ToLongFunction<E> idOf) {
        this.maxSeen = start;
        this.gapTimeoutNanos = gapTimeoutNanos;
        this.idOf = idOf;
    }

    long maxSeen() {
        return maxSeen;
    }

    /** The holes to ask for again. */
    Long[] gaps() {
        return gaps.keySet().toArray(Long[]::new);
    }

    /** Every event below this id has been released (or given up); events from it on are yet to come. */
    long releasedBelow() {
        return gaps.isEmpty() ? maxSeen + 1 : gaps.firstKey();
    }

    /** Whether some hole still needs a bound on its writer: the next read then asks for a transaction id. */
    boolean needsBound() {
        return gaps.values().stream().anyMatch(hole -> hole.writerBelowXid() == UNBOUNDED);
    }

    /** Whether events wait behind a hole (the feed then reads again soon, to release them). */
    boolean holding() {
        return !held.isEmpty();
    }

    /**
     * Takes a read (events in ascending id order, read in {@code snapshot}) and returns the events it
     * releases, in id order: new ones and filled holes, up to the lowest hole still open.
     */
    List<E> accept(List<E> events, Snapshot snapshot, long nowNanos) {
        for (E event : events) {
            long id = idOf.applyAsLong(event);
            if (id > maxSeen) {
                for (long missing = Math.max(maxSeen + 1, id - MAX_GAPS); missing < id; missing++) {
                    gaps.put(missing, new Hole(nowNanos, UNBOUNDED));
                }
                maxSeen = id;
                held.put(id, event);
            } else if (gaps.remove(id) != null) {
                held.put(id, event);
            }
        }
        // The read's transaction id came after its snapshot, so after every hole it or an earlier read noticed.
        if (snapshot.xidAfter() != UNBOUNDED) {
            gaps.replaceAll((id, hole) -> hole.bounded(snapshot.xidAfter()));
        }
        // Holes still missing whose writers have all ended: rolled back.
        gaps.values().removeIf(hole -> snapshot.xmin() >= hole.writerBelowXid());
        expire(nowNanos);
        return release();
    }

    /** Gives up holes older than the timeout, and the oldest beyond the bound. */
    void expire(long nowNanos) {
        for (Iterator<Map.Entry<Long, Hole>> entries = gaps.entrySet().iterator(); entries.hasNext();) {
            if (nowNanos - entries.next().getValue().noticedAtNanos() > gapTimeoutNanos) {
                entries.remove();
            }
        }
        while (gaps.size() > MAX_GAPS) {
            gaps.pollFirstEntry();
        }
    }

    /** The held events below the lowest open hole, in order (giving up holes while too many wait). */
    private List<E> release() {
        List<E> released = new ArrayList<>();
        while (true) {
            long lowestHole = gaps.isEmpty() ? Long.MAX_VALUE : gaps.firstKey();
            while (!held.isEmpty() && held.firstKey() < lowestHole) {
                released.add(held.pollFirstEntry().getValue());
            }
            if (held.size() <= MAX_HELD || gaps.isEmpty()) {
                return released;
            }
            gaps.pollFirstEntry();
        }
    }

    /** Starts over at {@code start} (the feed was idle and did not follow). */
    void reset(long start) {
        maxSeen = start;
        gaps.clear();
        held.clear();
    }
}
