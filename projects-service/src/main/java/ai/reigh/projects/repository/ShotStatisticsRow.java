package ai.reigh.projects.repository;

import java.util.UUID;

/**
 * Counts of one shot's links: all, on the timeline, off it (images only: a shot's video outputs are
 * not "unpositioned images"), to videos, and its final videos that have their media.
 */
public record ShotStatisticsRow(UUID shotId, UUID projectId, long totalGenerations, long positionedCount,
        long unpositionedCount, long videoCount, long finalVideoCount) {
}
