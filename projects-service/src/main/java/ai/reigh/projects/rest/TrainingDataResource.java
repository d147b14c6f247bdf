package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.rest.Requests.TrainingDataBatchCreate;
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
        return training.createBatch(caller.get(), body.name())
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
        return training.addVideo(caller.get(), batchId, body.objectId(), body.filename())
                .map(row -> RestResponse.status(Status.CREATED, TrainingVideoView.of(row)));
    }

    @GET
    @Path("/batches/{id}/videos")
    public Uni<Page<TrainingVideoView>> listVideos(@PathParam("id") UUID batchId, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return training.pageVideos(caller.get(), batchId, PageRequest.fromQuery(limit, cursor))
                .map(page -> QueryParams.map(page, TrainingVideoView::of));
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
        return training.addSegment(caller.get(), videoId, body.startTime(), body.endTime())
                .map(row -> RestResponse.status(Status.CREATED, TrainingSegmentView.of(row)));
    }

    @GET
    @Path("/videos/{id}/segments")
    public Uni<Page<TrainingSegmentView>> listSegments(@PathParam("id") UUID videoId,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return training.pageSegments(caller.get(), videoId, PageRequest.fromQuery(limit, cursor))
                .map(page -> QueryParams.map(page, TrainingSegmentView::of));
    }

    @DELETE
    @Path("/segments/{id}")
    public Uni<RestResponse<Void>> deleteSegment(@PathParam("id") UUID id) {
        return training.deleteSegment(caller.get(), id).map(done -> RestResponse.noContent());
    }
}
