package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.rest.Requests.TrainingDataBatchCreate;
import ai.reigh.projects.rest.Requests.TrainingDataBatchPatch;
import ai.reigh.projects.rest.Requests.TrainingSegmentPatch;
import ai.reigh.projects.rest.Requests.TrainingVideoPatch;
import ai.reigh.projects.rest.Requests.TrainingSegmentCreate;
import ai.reigh.projects.rest.Requests.TrainingVideoCreate;
import ai.reigh.projects.rest.Views.TrainingDataBatchView;
import ai.reigh.projects.rest.Views.TrainingSegmentView;
import ai.reigh.projects.rest.Views.TrainingVideoView;
import ai.reigh.projects.service.TrainingDataService;
import io.smallrye.mutiny.Uni;

/** Training data: batches → videos (ready objects in the private training-data bucket) → segments. */
@Path("/v1/training-data")
@RolesAllowed(Roles.USER)
public class TrainingDataResource {
    private final TrainingDataService training;
    private final CurrentCaller caller;

    public TrainingDataResource(TrainingDataService training, CurrentCaller caller) {
        this.training = training;
        this.caller = caller;
    }

    @POST
    @Path("/batches")
    public Uni<RestResponse<TrainingDataBatchView>> createBatch(@Valid @NotNull TrainingDataBatchCreate body) {
        return training.createBatch(caller.get(), body.name(), body.description())
                .map(row -> RestResponse.status(Status.CREATED, TrainingDataBatchView.of(row)));
    }

    @GET
    @Path("/batches")
    public Uni<Page<TrainingDataBatchView>> listBatches(@QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return training.pageBatches(caller.get(), PageRequest.fromQuery(limit, cursor))
                .map(page -> QueryParams.map(page, TrainingDataBatchView::of));
    }

    @GET
    @Path("/batches/{id}")
    public Uni<TrainingDataBatchView> getBatch(@PathParam("id") UUID id) {
        return training.getBatch(caller.get(), id).map(TrainingDataBatchView::of);
    }

    @PATCH
    @Path("/batches/{id}")
    @Operation(summary = "Rename a batch or change its description",
            description = "{name?, description? (≤ 2000 characters, null clears)}; absent fields keep their value.")
    public Uni<TrainingDataBatchView> updateBatch(@PathParam("id") UUID id, @Valid @NotNull TrainingDataBatchPatch body) {
        return training.updateBatch(caller.get(), id, body.name(),
                PatchFields.text("description", body.description(), Requests.DESCRIPTION_MAX))
                .map(TrainingDataBatchView::of);
    }

    /** Removes its videos and segments; their objects are queued for deletion. */
    @DELETE
    @Path("/batches/{id}")
    public Uni<RestResponse<Void>> deleteBatch(@PathParam("id") UUID id) {
        return training.deleteBatch(caller.get(), id).map(done -> RestResponse.noContent());
    }

    /** {@code object_id}: a ready video of the caller in bucket training-data (checked with storage). */
    @POST
    @Path("/batches/{id}/videos")
    public Uni<RestResponse<TrainingVideoView>> addVideo(@PathParam("id") UUID batchId,
            @Valid @NotNull TrainingVideoCreate body) {
        return training.addVideo(caller.get(), batchId, body.objectId(), body.filename(), body.description(),
                body.duration())
                .map(row -> RestResponse.status(Status.CREATED, TrainingVideoView.of(row)));
    }

    @GET
    @Path("/batches/{id}/videos")
    public Uni<Page<TrainingVideoView>> listVideos(@PathParam("id") UUID batchId, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return training.pageVideos(caller.get(), batchId, PageRequest.fromQuery(limit, cursor))
                .map(page -> QueryParams.map(page, TrainingVideoView::of));
    }

    @GET
    @Path("/videos")
    @Operation(summary = "Every training video of the caller, newest first, across batches",
            description = "Cursor pages; ?batch_id= keeps one batch (another user's batch matches nothing).")
    public Uni<Page<TrainingVideoView>> listAllVideos(@QueryParam("batch_id") String batchId,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return training.pageAllVideos(caller.get(), QueryParams.uuid("batch_id", batchId),
                PageRequest.fromQuery(limit, cursor)).map(page -> QueryParams.map(page, TrainingVideoView::of));
    }

    @GET
    @Path("/videos/{id}")
    @Operation(summary = "One training video (with its duration in whole seconds)")
    public Uni<TrainingVideoView> getVideo(@PathParam("id") UUID id) {
        return training.getVideo(caller.get(), id).map(TrainingVideoView::of);
    }

    @PATCH
    @Path("/videos/{id}")
    @Operation(summary = "Change a video's file name, description or duration",
            description = "{filename?, description? (null clears), duration? (whole seconds 0..1000000, null clears)}; "
                    + "the object is fixed (add a new video for another file).")
    public Uni<TrainingVideoView> updateVideo(@PathParam("id") UUID id, @Valid @NotNull TrainingVideoPatch body) {
        return training.updateVideo(caller.get(), id, body.filename(),
                PatchFields.text("description", body.description(), Requests.DESCRIPTION_MAX),
                PatchFields.integer("duration", body.duration(), 0, Requests.DURATION_MAX_SECONDS))
                .map(TrainingVideoView::of);
    }

    @DELETE
    @Path("/videos/{id}")
    public Uni<RestResponse<Void>> deleteVideo(@PathParam("id") UUID id) {
        return training.deleteVideo(caller.get(), id).map(done -> RestResponse.noContent());
    }

    /** Seconds, {@code 0 <= start_time < end_time}, at most 3 decimals. */
    @POST
    @Path("/videos/{id}/segments")
    public Uni<RestResponse<TrainingSegmentView>> addSegment(@PathParam("id") UUID videoId,
            @Valid @NotNull TrainingSegmentCreate body) {
        return training.addSegment(caller.get(), videoId, body.startTime(), body.endTime(), body.description())
                .map(row -> RestResponse.status(Status.CREATED, TrainingSegmentView.of(row)));
    }

    @GET
    @Path("/videos/{id}/segments")
    public Uni<Page<TrainingSegmentView>> listSegments(@PathParam("id") UUID videoId,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return training.pageSegments(caller.get(), videoId, PageRequest.fromQuery(limit, cursor))
                .map(page -> QueryParams.map(page, TrainingSegmentView::of));
    }

    @GET
    @Path("/segments")
    @Operation(summary = "Every segment of the caller's videos, newest first",
            description = "Cursor pages; ?video_id= keeps one video (another user's video matches nothing).")
    public Uni<Page<TrainingSegmentView>> listAllSegments(@QueryParam("video_id") String videoId,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return training.pageAllSegments(caller.get(), QueryParams.uuid("video_id", videoId),
                PageRequest.fromQuery(limit, cursor)).map(page -> QueryParams.map(page, TrainingSegmentView::of));
    }

    @PATCH
    @Path("/segments/{id}")
    @Operation(summary = "Change a segment's times or description",
            description = "{start_time?, end_time? (seconds, 3 decimals), description? (null clears)}; the resulting "
                    + "range must satisfy 0 <= start_time < end_time (400 naming the field otherwise).")
    public Uni<TrainingSegmentView> updateSegment(@PathParam("id") UUID id, @Valid @NotNull TrainingSegmentPatch body) {
        return training.updateSegment(caller.get(), id, body.startTime(), body.endTime(),
                PatchFields.text("description", body.description(), Requests.DESCRIPTION_MAX))
                .map(TrainingSegmentView::of);
    }

    @DELETE
    @Path("/segments/{id}")
    public Uni<RestResponse<Void>> deleteSegment(@PathParam("id") UUID id) {
        return training.deleteSegment(caller.get(), id).map(done -> RestResponse.noContent());
    }
}
