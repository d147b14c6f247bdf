package ai.reigh.projects.repository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Rows of the training data tables (batches, videos, segments). */
public final class TrainingRows {
    private TrainingRows() {
    }

    public record Batch(UUID id, UUID userId, String name, Instant createdAt) {
    }

    /** {@code training_data}: API filename = original_filename, url = storage_location. */
    public record Video(UUID id, UUID batchId, String filename, String url, UUID objectId, Instant createdAt) {
    }

    /** {@code training_data_segments}: API video_id = training_data_id. */
    public record Segment(UUID id, UUID videoId, BigDecimal startTime, BigDecimal endTime, Instant createdAt) {
    }
}
