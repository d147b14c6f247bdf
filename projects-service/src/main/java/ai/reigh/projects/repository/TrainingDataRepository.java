package ai.reigh.projects.repository;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.repository.TrainingRows.Batch;
import ai.reigh.projects.repository.TrainingRows.Segment;
import ai.reigh.projects.repository.TrainingRows.Video;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The three training data tables, which only make sense together: batches of videos, videos cut into
 * segments. Ownership is the user's on batches and videos, the video's on segments.
 */
@ApplicationScoped
public class TrainingDataRepository {
    static final String BATCH_COLUMNS = "id, user_id, name, description, created_at, updated_at";
    static final String VIDEO_COLUMNS = "id, batch_id, original_filename, storage_location, object_id, description,"
            + " duration, created_at, updated_at";
    static final String SEGMENT_COLUMNS = "id, training_data_id, start_time, end_time, description, created_at, updated_at";
    static final String KEYSET = " AND ($%d::timestamptz IS NULL OR (created_at, id) < ($%d, $%d))"
            + " ORDER BY created_at DESC, id DESC LIMIT $%d";

    static final String INSERT_BATCH = "INSERT INTO training_data_batches (user_id, name, description) VALUES ($1, $2, $3)"
            + " RETURNING " + BATCH_COLUMNS;
    static final String UPDATE_BATCH = "UPDATE training_data_batches SET name = $3, description = $4"
            + " WHERE id = $1 AND user_id = $2 RETURNING " + BATCH_COLUMNS;
    static final String COUNT_BATCHES = "SELECT count(*) FROM training_data_batches WHERE user_id = $1";
    static final String FIND_BATCH = "SELECT " + BATCH_COLUMNS + " FROM training_data_batches WHERE id = $1 AND user_id = $2";
    /** Serialises video inserts into one batch (the per-batch cap). */
    static final String LOCK_BATCH = FIND_BATCH + " FOR NO KEY UPDATE";
    static final String PAGE_BATCHES = "SELECT " + BATCH_COLUMNS + " FROM training_data_batches WHERE user_id = $1"
            + KEYSET.formatted(2, 2, 3, 4);
    static final String DELETE_BATCH_QUEUEING_OBJECTS = """
            WITH gone AS (
              DELETE FROM training_data_batches WHERE id = $1 AND user_id = $2 RETURNING id
            ), queued AS (
              INSERT INTO storage_deletion_outbox (object_id, reason)
              SELECT DISTINCT v.object_id, $3 FROM training_data v JOIN gone ON v.batch_id = gone.id
              WHERE %s
              RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM queued) AS queued"""
            .formatted(StorageDeletionOutboxRepository.unreferencedElsewhere("v.object_id", "true", "true",
                    "true", "otd.batch_id <> gone.id"));

    static final String INSERT_VIDEO = "INSERT INTO training_data (user_id, batch_id, original_filename, storage_location,"
            + " object_id, description, duration) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + VIDEO_COLUMNS;
    static final String UPDATE_VIDEO = "UPDATE training_data SET original_filename = $3, description = $4, duration = $5"
            + " WHERE id = $1 AND user_id = $2 RETURNING " + VIDEO_COLUMNS;
    /** Every video of the user (newest first, across batches), or of one batch. */
    static final String PAGE_VIDEOS_OF_USER = "SELECT " + VIDEO_COLUMNS + " FROM training_data WHERE user_id = $1"
            + KEYSET.formatted(2, 2, 3, 4);
    static final String COUNT_VIDEOS = "SELECT count(*) FROM training_data WHERE batch_id = $1";
    static final String FIND_VIDEO = "SELECT " + VIDEO_COLUMNS + " FROM training_data WHERE id = $1 AND user_id = $2";
    /** Serialises segment inserts into one video (the per-video cap). */
    static final String LOCK_VIDEO = FIND_VIDEO + " FOR NO KEY UPDATE";
    static final String PAGE_VIDEOS = "SELECT " + VIDEO_COLUMNS + " FROM training_data WHERE batch_id = $1 AND user_id = $2"
            + KEYSET.formatted(3, 3, 4, 5);
    static final String DELETE_VIDEO_QUEUEING_OBJECT = """
            WITH gone AS (
              DELETE FROM training_data WHERE id = $1 AND user_id = $2 RETURNING id, object_id
            ), queued AS (
              INSERT INTO storage_deletion_outbox (object_id, reason)
              SELECT gone.object_id, $3 FROM gone WHERE %s
              RETURNING id
            )
            SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM queued) AS queued"""
            .formatted(StorageDeletionOutboxRepository.unreferencedElsewhere("gone.object_id", "true", "true",
                    "true", "otd.id <> gone.id"));

    static final String INSERT_SEGMENT = "INSERT INTO training_data_segments (training_data_id, start_time, end_time,"
            + " description) VALUES ($1, $2, $3, $4) RETURNING " + SEGMENT_COLUMNS;
    /** The segment locked with its video's owner checked, for a read-modify-write of its range. */
    static final String LOCK_SEGMENT = "SELECT " + Sql.qualified("s", SEGMENT_COLUMNS) + " FROM training_data_segments s"
            + " JOIN training_data v ON v.id = s.training_data_id WHERE s.id = $1 AND v.user_id = $2 FOR NO KEY UPDATE OF s";
    static final String UPDATE_SEGMENT = "UPDATE training_data_segments SET start_time = $2, end_time = $3, description = $4"
            + " WHERE id = $1 RETURNING " + SEGMENT_COLUMNS;
    /** Every segment of the user's videos, newest first. */
    static final String PAGE_SEGMENTS_OF_USER = "SELECT " + Sql.qualified("s", SEGMENT_COLUMNS)
            + " FROM training_data_segments s JOIN training_data v ON v.id = s.training_data_id WHERE v.user_id = $1"
            + " AND ($2::timestamptz IS NULL OR (s.created_at, s.id) < ($2, $3))"
            + " ORDER BY s.created_at DESC, s.id DESC LIMIT $4";
    /** The segments of one video of the user (another user's video matches nothing). */
    static final String PAGE_SEGMENTS_OF_USER_VIDEO = "SELECT " + Sql.qualified("s", SEGMENT_COLUMNS)
            + " FROM training_data_segments s JOIN training_data v ON v.id = s.training_data_id WHERE v.user_id = $1"
            + " AND s.training_data_id = $5 AND ($2::timestamptz IS NULL OR (s.created_at, s.id) < ($2, $3))"
            + " ORDER BY s.created_at DESC, s.id DESC LIMIT $4";
    static final String COUNT_SEGMENTS = "SELECT count(*) FROM training_data_segments WHERE training_data_id = $1";
    static final String PAGE_SEGMENTS = "SELECT " + SEGMENT_COLUMNS + " FROM training_data_segments WHERE training_data_id = $1"
            + KEYSET.formatted(2, 2, 3, 4);
    static final String DELETE_SEGMENT = "DELETE FROM training_data_segments s USING training_data v"
            + " WHERE s.id = $1 AND v.id = s.training_data_id AND v.user_id = $2";

    public Uni<Batch> insertBatch(SqlConnection connection, UUID userId, String name, String description) {
        return connection.preparedQuery(INSERT_BATCH).execute(Sql.params(userId, name, description))
                .map(rows -> Rows.first(rows, TrainingDataRepository::batch));
    }

    public Uni<Batch> updateBatch(SqlConnection connection, UUID id, UUID userId, String name, String description) {
        return connection.preparedQuery(UPDATE_BATCH).execute(Sql.params(id, userId, name, description))
                .map(rows -> Rows.first(rows, TrainingDataRepository::batch));
    }

    public Uni<Long> countBatches(SqlConnection connection, UUID userId) {
        return connection.preparedQuery(COUNT_BATCHES).execute(Sql.params(userId)).map(Sql::firstLong);
    }

    public Uni<Batch> findBatch(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(FIND_BATCH).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, TrainingDataRepository::batch));
    }

    public Uni<Batch> lockBatch(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(LOCK_BATCH).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, TrainingDataRepository::batch));
    }

    public Uni<List<Batch>> pageBatches(SqlConnection connection, UUID userId, PageRequest page) {
        return connection.preparedQuery(PAGE_BATCHES)
                .execute(Sql.params(userId, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, TrainingDataRepository::batch));
    }

    public Uni<DeletedWithObjects> deleteBatchQueueingObjects(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_BATCH_QUEUEING_OBJECTS)
                .execute(Sql.params(id, userId, StorageDeletionOutboxRepository.REASON_TRAINING_DATA_DELETED))
                .map(DeletedWithObjects::from);
    }

    public Uni<Video> insertVideo(SqlConnection connection, UUID userId, UUID batchId, String filename,
            String storageLocation, UUID objectId, String description, Integer duration) {
        return connection.preparedQuery(INSERT_VIDEO)
                .execute(Sql.params(userId, batchId, filename, storageLocation, objectId, description, duration))
                .map(rows -> Rows.first(rows, TrainingDataRepository::video));
    }

    public Uni<Video> updateVideo(SqlConnection connection, UUID id, UUID userId, String filename, String description,
            Integer duration) {
        return connection.preparedQuery(UPDATE_VIDEO).execute(Sql.params(id, userId, filename, description, duration))
                .map(rows -> Rows.first(rows, TrainingDataRepository::video));
    }

    public Uni<List<Video>> pageVideosOfUser(SqlConnection connection, UUID userId, PageRequest page) {
        return connection.preparedQuery(PAGE_VIDEOS_OF_USER)
                .execute(Sql.params(userId, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, TrainingDataRepository::video));
    }

    public Uni<Long> countVideos(SqlConnection connection, UUID batchId) {
        return connection.preparedQuery(COUNT_VIDEOS).execute(Sql.params(batchId)).map(Sql::firstLong);
    }

    public Uni<Video> findVideo(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(FIND_VIDEO).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, TrainingDataRepository::video));
    }

    public Uni<Video> lockVideo(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(LOCK_VIDEO).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, TrainingDataRepository::video));
    }

    public Uni<List<Video>> pageVideos(SqlConnection connection, UUID batchId, UUID userId, PageRequest page) {
        return connection.preparedQuery(PAGE_VIDEOS)
                .execute(Sql.params(batchId, userId, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, TrainingDataRepository::video));
    }

    public Uni<DeletedWithObjects> deleteVideoQueueingObject(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_VIDEO_QUEUEING_OBJECT)
                .execute(Sql.params(id, userId, StorageDeletionOutboxRepository.REASON_TRAINING_DATA_DELETED))
                .map(DeletedWithObjects::from);
    }

    public Uni<Segment> insertSegment(SqlConnection connection, UUID videoId, BigDecimal startTime,
            BigDecimal endTime, String description) {
        return connection.preparedQuery(INSERT_SEGMENT).execute(Sql.params(videoId, startTime, endTime, description))
                .map(rows -> Rows.first(rows, TrainingDataRepository::segment));
    }

    public Uni<Segment> lockSegment(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(LOCK_SEGMENT).execute(Sql.params(id, userId))
                .map(rows -> Rows.first(rows, TrainingDataRepository::segment));
    }

    public Uni<Segment> updateSegment(SqlConnection connection, UUID id, BigDecimal startTime, BigDecimal endTime,
            String description) {
        return connection.preparedQuery(UPDATE_SEGMENT).execute(Sql.params(id, startTime, endTime, description))
                .map(rows -> Rows.first(rows, TrainingDataRepository::segment));
    }

    /** Every segment of the user's videos, or of one of them ({@code videoId}), newest first. */
    public Uni<List<Segment>> pageSegmentsOfUser(SqlConnection connection, UUID userId, UUID videoId, PageRequest page) {
        var rows = videoId == null
                ? connection.preparedQuery(PAGE_SEGMENTS_OF_USER)
                        .execute(Sql.params(userId, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                : connection.preparedQuery(PAGE_SEGMENTS_OF_USER_VIDEO)
                        .execute(Sql.params(userId, page.afterCreatedAt(), page.afterId(), page.fetchSize(), videoId));
        return rows.map(found -> Rows.map(found, TrainingDataRepository::segment));
    }

    public Uni<Long> countSegments(SqlConnection connection, UUID videoId) {
        return connection.preparedQuery(COUNT_SEGMENTS).execute(Sql.params(videoId)).map(Sql::firstLong);
    }

    public Uni<List<Segment>> pageSegments(SqlConnection connection, UUID videoId, PageRequest page) {
        return connection.preparedQuery(PAGE_SEGMENTS)
                .execute(Sql.params(videoId, page.afterCreatedAt(), page.afterId(), page.fetchSize()))
                .map(rows -> Rows.map(rows, TrainingDataRepository::segment));
    }

    public Uni<Boolean> deleteSegment(SqlConnection connection, UUID id, UUID userId) {
        return connection.preparedQuery(DELETE_SEGMENT).execute(Sql.params(id, userId)).map(rows -> rows.rowCount() > 0);
    }

    static Batch batch(Row row) {
        return new Batch(row.getUUID("id"), row.getUUID("user_id"), row.getString("name"), row.getString("description"),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }

    static Video video(Row row) {
        return new Video(row.getUUID("id"), row.getUUID("batch_id"), row.getString("original_filename"),
                row.getString("storage_location"), row.getUUID("object_id"), row.getString("description"),
                row.getInteger("duration"), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }

    static Segment segment(Row row) {
        return new Segment(row.getUUID("id"), row.getUUID("training_data_id"), row.getBigDecimal("start_time"),
                row.getBigDecimal("end_time"), row.getString("description"), Rows.instant(row, "created_at"),
                Rows.instant(row, "updated_at"));
    }
}
