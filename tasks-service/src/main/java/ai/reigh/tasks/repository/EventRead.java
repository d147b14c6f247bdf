package ai.reigh.tasks.repository;

import java.util.List;

/**
 * One read of the realtime feed: the events (ascending ids), {@code xmin}, the oldest transaction still
 * running at the read's snapshot, and {@code xidAfter}, a transaction id assigned after that snapshot (null
 * unless the read asked for one).
 */
public record EventRead(List<RealtimeEvent> events, long xmin, Long xidAfter) {
}
