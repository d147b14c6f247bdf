package ai.reigh.tasks.compat.service;

import java.util.UUID;
import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.client.Downstream;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.StorageObjectView;
import ai.reigh.common.json.CanonicalJson;
import ai.reigh.tasks.client.StorageTaskOutputs;
import ai.reigh.tasks.compat.rest.EdgeRequests;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.TaskRow;
import ai.reigh.tasks.repository.TaskStatus;
import ai.reigh.tasks.service.Completions;
import io.smallrye.mutiny.Uni;

/**
 * How the fleet finishes a task, translated into the platform's one completion: the output becomes a
 * task-output object through storage-service (the same checks as any upload: type from the file name
 * and the bytes, the bucket's rules, its size limit), then {@link Completions#complete} records it
 * with the lease the worker holds — the same completing statement, outbox rows and replay rules.
 *
 * <ul>
 * <li>inline: {@code file_data} (and a video's {@code first_frame_data}) decoded with a bounded decoder
 * and stored for the task;</li>
 * <li>by reference: {@code storage_path} from {@code generate-upload-url}, confirmed by storage-service
 * (staged bytes checked and copied, the size learned from the store); an object the owner already has
 * ready (an orchestrator completing with its final child's file) is used as it is;</li>
 * <li>{@code output_location}: a URL (checked like the platform's own), or a JSON result (kept as text,
 * makes no generation).</li>
 * </ul>
 *
 * A retried completion (the answer was lost) is recognised before anything is stored: same worker, same
 * content → 200 with the first answer. A worker that no longer holds the task gets 409 and writes
 * nothing; so does the automatic "Failed" the fleet sends after it.
 */
@ApplicationScoped
public class EdgeCompletions {
    private final FleetIdentity identity;
    private final FleetTasks fleetTasks;
    private final Completions completions;
    private final StorageTaskOutputs storage;
    private final TasksConfig config;
    private final Semaphore inlineSlots;

    public EdgeCompletions(FleetIdentity identity, FleetTasks fleetTasks, Completions completions,
            StorageTaskOutputs storage, TasksConfig config) {
        this.identity = identity;
        this.fleetTasks = fleetTasks;
        this.completions = completions;
        this.storage = storage;
        this.config = config;
        this.inlineSlots = new Semaphore(config.compat().maxConcurrentInlineCompletions());
    }

    /** The completed task, and the thumbnail's URL when one came with it. */
    public record Completed(TaskRow task, String thumbnailUrl) {
    }

    public Uni<Completed> complete(Caller caller, EdgeRequests.CompleteTask request) {
        Mode mode = Mode.of(request);
        String replayKey = replayKey(request);
        return identity.of(caller).chain(worker -> fleetTasks.visible(worker, request.taskId()).chain(task -> {
            if (isReplay(worker, task, replayKey)) {
                return Uni.createFrom().item(new Completed(task, null));
            }
            if (!FleetTasks.holds(worker, task)) {
                return Uni.createFrom().failure(EdgeErrors.leaseLost());
            }
            return switch (mode) {
                case INLINE -> completeInline(worker, task, request, replayKey);
                case STORED -> completeStored(worker, task, request, replayKey);
                case LOCATION -> completeAt(worker, task, request, replayKey);
            };
        }));
    }

    /** What a completion says, whatever its form, so that its retry is recognised. */
    static String replayKey(EdgeRequests.CompleteTask request) {
        ObjectNode body = CanonicalJson.object();
        body.put("file_data", request.fileData() == null ? null : CanonicalJson.sha256(TextNode.valueOf(request.fileData())));
        body.put("filename", request.filename());
        body.put("first_frame_data", request.firstFrameData() == null ? null : CanonicalJson.sha256(TextNode.valueOf(request.firstFrameData())));
        body.put("storage_path", request.storagePath());
        body.put("thumbnail_storage_path", request.thumbnailStoragePath());
        body.put("output_location", request.outputLocation());
        return "edge:" + CanonicalJson.sha256(body);
    }

    private static boolean isReplay(FleetWorker worker, TaskRow task, String replayKey) {
        return TaskStatus.COMPLETE.equals(task.status()) && task.completionHash() != null
                && task.completionHash().endsWith(":" + replayKey) && worker.workerId().isPresent()
                && worker.workerId().get().equals(task.workerId());
    }

    private Uni<Completed> completeInline(FleetWorker worker, TaskRow task, EdgeRequests.CompleteTask request,
            String replayKey) {
        if (!inlineSlots.tryAcquire()) {
            return Uni.createFrom().failure(ProblemException.unavailable(
                    "Too many inline completions at once; retry shortly."));
        }
        long max = config.compat().maxInlineFileBytes();
        return Uni.createFrom().deferred(() -> {
            byte[] file = InlineFiles.decode("file_data", request.fileData(), max);
            byte[] frame = request.firstFrameData() == null ? null
                    : InlineFiles.decode("first_frame_data", request.firstFrameData(), max);
            String frameName = request.firstFrameFilename() == null ? "first_frame.jpg" : request.firstFrameFilename();
            Uni<StorageObjectView> thumbnail = frame == null ? Uni.createFrom().nullItem()
                    : Downstream.call("storage-service", () -> storage.store(task.id(), task.userId(), frameName, frame));
            return Downstream.call("storage-service", () -> storage.store(task.id(), task.userId(), request.filename(), file))
                    .chain(object -> thumbnail.chain(thumb -> finish(worker, task, object, thumb, null, replayKey)));
        }).eventually((Runnable) inlineSlots::release);
    }

    private Uni<Completed> completeStored(FleetWorker worker, TaskRow task, EdgeRequests.CompleteTask request,
            String replayKey) {
        Uni<StorageObjectView> thumbnail = request.thumbnailStoragePath() == null ? Uni.createFrom().nullItem()
                : Downstream.call("storage-service",
                        () -> storage.confirmKey(task.id(), task.userId(), request.thumbnailStoragePath()));
        ObjectNode result = null;
        if (request.outputLocation() != null) {
            // A JSON description of the file (the fleet's transition outputs): kept with the result.
            result = CanonicalJson.object();
            result.put("output_location", request.outputLocation());
        }
        ObjectNode resultData = result;
        return Downstream.call("storage-service", () -> storage.confirmKey(task.id(), task.userId(), request.storagePath()))
                .chain(object -> thumbnail.chain(thumb -> finish(worker, task, object, thumb, resultData, replayKey)));
    }

    private Uni<Completed> finish(FleetWorker worker, TaskRow task, StorageObjectView object, StorageObjectView thumb,
            ObjectNode resultData, String replayKey) {
        String thumbnailUrl = thumb == null ? null : thumb.url();
        // The task's own upload is recorded by id (released again if the lease turns out lost); an object of
        // another of the owner's tasks (an orchestrator finishing with its child's file) by its URL.
        boolean own = task.id().equals(object.taskId());
        Completions.Finish finish = new Completions.Finish(task.leaseToken(), own ? null : object.url(),
                own ? object.id() : null, thumbnailUrl, resultData, replayKey, true);
        return completions.complete(worker.caller(), task.id(), finish).map(done -> new Completed(done, thumbnailUrl));
    }

    private Uni<Completed> completeAt(FleetWorker worker, TaskRow task, EdgeRequests.CompleteTask request,
            String replayKey) {
        String location = request.outputLocation();
        boolean media = isHttpUrl(location);
        Completions.Finish finish = new Completions.Finish(task.leaseToken(), location, null, null, null, replayKey,
                media);
        return completions.complete(worker.caller(), task.id(), finish).map(done -> new Completed(done, null));
    }

    static boolean isHttpUrl(String value) {
        String lower = value.strip().toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    /** Which of the fleet's completions a body is. */
    enum Mode {
        INLINE, STORED, LOCATION;

        static Mode of(EdgeRequests.CompleteTask request) {
            if (request.fileData() != null) {
                if (request.storagePath() != null || request.outputLocation() != null) {
                    throw ProblemException.validation("file_data", "give file_data, storage_path or output_location");
                }
                if (request.filename() == null || request.filename().isBlank()) {
                    throw ProblemException.validation("filename", "is required with file_data");
                }
                return INLINE;
            }
            if (request.firstFrameData() != null) {
                throw ProblemException.validation("first_frame_data", "comes only with file_data");
            }
            if (request.storagePath() != null) {
                return STORED;
            }
            if (request.thumbnailStoragePath() != null) {
                throw ProblemException.validation("thumbnail_storage_path", "comes only with storage_path");
            }
            if (request.outputLocation() != null) {
                return LOCATION;
            }
            throw ProblemException.validation("output_location", "give file_data, storage_path or output_location");
        }
    }
}
