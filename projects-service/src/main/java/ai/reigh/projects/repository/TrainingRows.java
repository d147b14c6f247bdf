package ai.reigh.projects.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Rows of the training data tables (batches, videos, segments). */
public final class TrainingRows {
    private TrainingRows() {
    }

    public record Batch(UUID id, UUID userId, String name, String description, Instant createdAt, Instant updatedAt) {
    }

    /**
     * {@code training_data}: API filename = original_filename, url = storage_location; duration in
     * whole seconds (null: unknown).
     */
    public record Video(UUID id, UUID batchId, String filename, String url, UUID objectId, String description,
            Integer duration, Instant createdAt, Instant updatedAt) {
    }

    /** {@code training_data_segments}: API video_id = training_data_id. */
    public record Segment(UUID id, UUID videoId, BigDecimal startTime, BigDecimal endTime, String description,
            Instant createdAt, Instant updatedAt) {
    }
}
