package ai.reigh.projects.service;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.QuotaLock;
import ai.reigh.projects.repository.TrainingDataRepository;
import ai.reigh.projects.repository.TrainingRows.Batch;
import ai.reigh.projects.repository.TrainingRows.Segment;
import ai.reigh.projects.repository.TrainingRows.Video;
import ai.reigh.projects.repository.UserRepository;
import io.smallrye.mutiny.Uni;

/**
 * Training data: batches of videos, each video a ready object of the caller in the private
 * {@code training-data} bucket (checked with storage-service), cut into segments
 * {@code 0 <= start_time < end_time} (seconds, 3 decimals).
 */
@ApplicationScoped
public class TrainingDataService {
    /** numeric(10,3): seven integer digits of seconds. */
    static final BigDecimal MAX_SECONDS = new BigDecimal("9999999.999");

    private final Db db;
    private final UserRepository users;
    private final TrainingDataRepository training;
    private final QuotaLock quotas;
    private final StorageObjects storageObjects;
    private final ProjectsConfig config;

    public TrainingDataService(Db db, UserRepository users, TrainingDataRepository training, QuotaLock quotas,
            StorageObjects storageObjects, ProjectsConfig config) {
        this.db = db;
        this.users = users;
        this.training = training;
        this.quotas = quotas;
        this.storageObjects = storageObjects;
        this.config = config;
    }

    public Uni<Batch> createBatch(Caller caller, String name, String description) {
        Inputs.requirePrintable("name", name);
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> users.ensure(connection, me, caller.email().orElse(null))
                .chain(() -> quotas.lock(connection, QuotaLock.TRAINING_BATCHES, me))
                .chain(() -> training.countBatches(connection, me))
                .invoke(count -> Quotas.requireRoom(count, config.limits().trainingBatchesPerUser(), "training batches"))
                .chain(() -> training.insertBatch(connection, me, name, description)));
    }

    /** Absent fields keep their value; {@code description} may be cleared. */
    public Uni<Batch> updateBatch(Caller caller, UUID id, String name, Patch<String> description) {
        Inputs.requirePrintable("name", name);
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> training.lockBatch(connection, id, me)
                .map(TrainingDataService::foundBatch)
                .chain(current -> training.updateBatch(connection, id, me, name == null ? current.name() : name,
                        description.or(current.description()))));
    }

    public Uni<Page<Batch>> pageBatches(Caller caller, PageRequest page) {
        return db.inTransaction(caller.asUser(), connection -> training.pageBatches(connection, caller.requireUserId(), page))
                .map(rows -> Page.of(rows, page, Batch::createdAt, Batch::id));
    }

    public Uni<Batch> getBatch(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> training.findBatch(connection, id, caller.requireUserId()))
                .map(TrainingDataService::foundBatch);
    }

    /** Its videos and segments go with it; their objects are queued for deletion. */
    public Uni<Void> deleteBatch(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(),
                connection -> training.deleteBatchQueueingObjects(connection, id, caller.requireUserId()))
                .invoke(outcome -> {
                    if (!outcome.found()) {
                        throw ProblemException.notFound("Training data batch");
                    }
                }).replaceWithVoid();
    }

    /**
     * {@code url} of the video is its storage path ({@code training-data/<key>}): the bucket is
     * private, so a URL would be a presigned one that expires; a fresh one comes from
     * {@code GET /v1/storage/objects/{object_id}}.
     */
    public Uni<Video> addVideo(Caller caller, UUID batchId, UUID objectId, String filename, String description,
            Integer duration) {
        Inputs.requireFileName("filename", filename);
        UUID me = caller.requireUserId();
        return getBatch(caller, batchId)
                .chain(() -> storageObjects.usable(objectId, me, Set.of(StorageObjects.TRAINING_BUCKET), "video/"))
                .chain(object -> db.inTransaction(caller.asUser(), connection -> training
                        .lockBatch(connection, batchId, me).map(TrainingDataService::foundBatch)
                        .chain(() -> training.countVideos(connection, batchId))
                        .invoke(count -> Quotas.requireRoom(count, config.limits().videosPerBatch(), "videos per batch"))
                        .chain(() -> training.insertVideo(connection, me, batchId, filename,
                                object.bucket() + "/" + object.key(), objectId, description, duration))));
    }

    public Uni<Video> getVideo(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> training.findVideo(connection, id, caller.requireUserId()))
                .map(TrainingDataService::foundVideo);
    }

    /** The object is fixed; the name, the description and the duration change (absent keeps, null clears). */
    public Uni<Video> updateVideo(Caller caller, UUID id, String filename, Patch<String> description,
            Patch<Integer> duration) {
        Inputs.requireFileName("filename", filename);
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> training.lockVideo(connection, id, me)
                .map(TrainingDataService::foundVideo)
                .chain(current -> training.updateVideo(connection, id, me, filename == null ? current.filename() : filename,
                        description.or(current.description()), duration.or(current.duration()))));
    }

    /** Every video of the caller, newest first, or of one batch of theirs (another's batch matches nothing). */
    public Uni<Page<Video>> pageAllVideos(Caller caller, UUID batchId, PageRequest page) {
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> batchId == null
                ? training.pageVideosOfUser(connection, me, page)
                : training.pageVideos(connection, batchId, me, page))
                .map(rows -> Page.of(rows, page, Video::createdAt, Video::id));
    }

    public Uni<Page<Video>> pageVideos(Caller caller, UUID batchId, PageRequest page) {
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> training.findBatch(connection, batchId, me)
                .map(TrainingDataService::foundBatch)
                .chain(() -> training.pageVideos(connection, batchId, me, page)))
                .map(rows -> Page.of(rows, page, Video::createdAt, Video::id));
    }

    public Uni<Void> deleteVideo(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(),
                connection -> training.deleteVideoQueueingObject(connection, id, caller.requireUserId()))
                .invoke(outcome -> {
                    if (!outcome.found()) {
                        throw ProblemException.notFound("Training video");
                    }
                }).replaceWithVoid();
    }

    public Uni<Segment> addSegment(Caller caller, UUID videoId, BigDecimal startTime, BigDecimal endTime,
            String description) {
        requireRange(startTime, endTime);
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> training.lockVideo(connection, videoId, me)
                .map(TrainingDataService::foundVideo)
                .chain(() -> training.countSegments(connection, videoId))
                .invoke(count -> Quotas.requireRoom(count, config.limits().segmentsPerVideo(), "segments per video"))
                .chain(() -> training.insertSegment(connection, videoId, startTime, endTime, description)));
    }

    /**
     * Absent times keep theirs; the resulting range is checked against the locked row (a start past
     * the stored end is refused as an empty range), so concurrent edits cannot combine into one.
     */
    public Uni<Segment> updateSegment(Caller caller, UUID id, BigDecimal startTime, BigDecimal endTime,
            Patch<String> description) {
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> training.lockSegment(connection, id, me)
                .map(found -> {
                    if (found == null) {
                        throw ProblemException.notFound("Training segment");
                    }
                    return found;
                })
                .chain(current -> {
                    BigDecimal start = startTime == null ? current.startTime() : startTime;
                    BigDecimal end = endTime == null ? current.endTime() : endTime;
                    requireRange(start, end);
                    return training.updateSegment(connection, id, start, end, description.or(current.description()));
                }));
    }

    /** Every segment of the caller's videos, newest first, or of one video of theirs. */
    public Uni<Page<Segment>> pageAllSegments(Caller caller, UUID videoId, PageRequest page) {
        return db.inTransaction(caller.asUser(),
                connection -> training.pageSegmentsOfUser(connection, caller.requireUserId(), videoId, page))
                .map(rows -> Page.of(rows, page, Segment::createdAt, Segment::id));
    }

    public Uni<Page<Segment>> pageSegments(Caller caller, UUID videoId, PageRequest page) {
        return db.inTransaction(caller.asUser(), connection -> training.findVideo(connection, videoId, caller.requireUserId())
                .map(TrainingDataService::foundVideo)
                .chain(() -> training.pageSegments(connection, videoId, page)))
                .map(rows -> Page.of(rows, page, Segment::createdAt, Segment::id));
    }

    public Uni<Void> deleteSegment(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> training.deleteSegment(connection, id, caller.requireUserId()))
                .invoke(deleted -> {
                    if (!deleted) {
                        throw ProblemException.notFound("Training segment");
                    }
                }).replaceWithVoid();
    }

    /** {@code 0 <= start_time < end_time}, seconds with at most 3 decimals. */
    static void requireRange(BigDecimal startTime, BigDecimal endTime) {
        List<FieldError> errors = new ArrayList<>();
        checkSeconds("start_time", startTime, errors);
        checkSeconds("end_time", endTime, errors);
        if (errors.isEmpty() && startTime.compareTo(endTime) >= 0) {
            errors.add(new FieldError("end_time", "must be greater than start_time"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
    }

    private static void checkSeconds(String field, BigDecimal value, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError(field, "must not be null"));
        } else if (value.signum() < 0) {
            errors.add(new FieldError(field, "must be at least 0"));
        } else if (value.compareTo(MAX_SECONDS) > 0) {
            errors.add(new FieldError(field, "must be at most " + MAX_SECONDS));
        } else if (value.stripTrailingZeros().scale() > 3) {
            errors.add(new FieldError(field, "must have at most 3 decimals (milliseconds)"));
        }
    }

    private static Video foundVideo(Video row) {
        if (row == null) {
            throw ProblemException.notFound("Training video");
        }
        return row;
    }

    private static Batch foundBatch(Batch row) {
        if (row == null) {
            throw ProblemException.notFound("Training data batch");
        }
        return row;
    }
}
