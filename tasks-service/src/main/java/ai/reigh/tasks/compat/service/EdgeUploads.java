package ai.reigh.tasks.compat.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.client.Downstream;
import ai.reigh.common.internal.TaskOutputTicket;
import ai.reigh.tasks.client.StorageTaskOutputs;
import ai.reigh.tasks.compat.rest.EdgeAnswers;
import ai.reigh.tasks.compat.rest.EdgeRequests;
import io.smallrye.mutiny.Uni;

/**
 * {@code generate-upload-url}: a presigned PUT for a task the worker holds, without a declared size (the
 * fleet sends none): storage-service records a pending task output bounded by its bucket's limit, and
 * learns the size from the store when the upload is confirmed (by {@code complete_task} with the
 * {@code storage_path}, or on the first public read of an intermediate file). A video's thumbnail gets its
 * own URL when asked for.
 */
@ApplicationScoped
public class EdgeUploads {
    static final String THUMBNAIL_TYPE = "image/jpeg";

    private final FleetIdentity identity;
    private final FleetTasks fleetTasks;
    private final StorageTaskOutputs storage;

    public EdgeUploads(FleetIdentity identity, FleetTasks fleetTasks, StorageTaskOutputs storage) {
        this.identity = identity;
        this.fleetTasks = fleetTasks;
        this.storage = storage;
    }

    public Uni<EdgeAnswers.UploadUrl> uploadUrl(Caller caller, EdgeRequests.UploadUrl request) {
        return identity.of(caller).chain(worker -> fleetTasks.held(worker, request.taskId())).chain(task -> {
            Uni<TaskOutputTicket> thumbnail = Boolean.TRUE.equals(request.generateThumbnailUrl())
                    ? Downstream.call("storage-service", () -> storage.presign(task.id(), task.userId(),
                            "thumb_" + UUID.randomUUID() + ".jpg", THUMBNAIL_TYPE))
                    : Uni.createFrom().nullItem();
            return Downstream.call("storage-service",
                    () -> storage.presign(task.id(), task.userId(), request.filename(), request.contentType()))
                    .chain(main -> thumbnail.map(thumb -> new EdgeAnswers.UploadUrl(main.uploadUrl(), main.object().key(),
                            thumb == null ? null : thumb.uploadUrl(), thumb == null ? null : thumb.object().key(),
                            main.expiresAt())));
        });
    }
}
