package ai.reigh.tasks.repository;

import java.util.List;

/**
 * One read of the realtime feed: the events (ascending ids) and the bounds of the snapshot they were
 * read in: {@code xmin}, the oldest transaction still running; {@code xmax}, the first transaction id not
 * yet assigned.
 */
public record EventRead(List<RealtimeEvent> events, long xmin, long xmax) {
}
