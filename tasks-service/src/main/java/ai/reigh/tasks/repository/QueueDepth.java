package ai.reigh.tasks.repository;

import java.util.List;

/** The queue as the admin view and the gauges show it. */
public record QueueDepth(List<Bucket> byStatusAndType, long queued, long inProgress, double oldestQueuedAgeSeconds) {
    public record Bucket(String status, String taskType, long count) {
    }
}
