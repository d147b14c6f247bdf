package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.rest.Requests.ShotCreate;
import ai.reigh.projects.rest.Requests.ShotOrder;
import ai.reigh.projects.rest.TimelineViews.FinalVideoView;
import ai.reigh.projects.rest.TimelineViews.ShotStatisticsView;
import ai.reigh.projects.rest.Views.ShotView;
import ai.reigh.projects.service.ShotOutputsService;
import ai.reigh.projects.service.ShotService;
import io.smallrye.mutiny.Uni;

/**
 * A project's shots. The list is complete (at most the per-project cap) and ordered by {@code order},
 * so it is answered whole as {@code {items, next_cursor: null}}: the shot editor needs all of them,
 * and a reorder must name all of them.
 */
@Path("/v1/projects/{projectId}/shots")
@RolesAllowed(Roles.USER)
@Tag(name = "shots")
public class ProjectShotsResource {
    private final ShotService shots;
    private final ShotOutputsService outputs;
    private final CurrentCaller caller;

    public ProjectShotsResource(ShotService shots, ShotOutputsService outputs, CurrentCaller caller) {
        this.shots = shots;
        this.outputs = outputs;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Create a shot, with its parent video generation", description = "{name, settings?,"
            + " aspect_ratio?, order?, generation_ids?[..1000]} → 201. order: where it goes (later shots move down;"
            + " absent or past the last: at the end). generation_ids: linked at frames 0, 50, 100… in that order,"
            + " answered in generations (with each generation); a foreign one is a 404, another project's a 422, and"
            + " then nothing is created.")
    public Uni<RestResponse<ShotView>> create(@PathParam("projectId") UUID projectId, @Valid @NotNull ShotCreate body) {
        return shots.create(caller.get(), projectId, body.name(), body.settings(), body.aspectRatio(), body.order(),
                body.generationIds()).map(created -> RestResponse.status(Status.CREATED, ShotView.of(created.shot(),
                        created.links() == null ? null
                                : TimelineViews.links(created.links().links(), created.links().generations()))));
    }

    @GET
    @Operation(summary = "The project's shots, by order (whole list)")
    public Uni<Page<ShotView>> list(@PathParam("projectId") UUID projectId) {
        return shots.list(caller.get(), projectId).map(rows -> new Page<>(rows.stream().map(ShotView::of).toList(), null));
    }

    /** Renumbers 0..n-1 in the given order, atomically; the list must be exactly the project's shots. */
    @PUT
    @Path("/order")
    @Operation(summary = "Reorder the project's shots", description = "{shot_ids}: exactly the project's shots, once"
            + " each → renumbered 0..n-1 atomically.")
    public Uni<Page<ShotView>> reorder(@PathParam("projectId") UUID projectId, @Valid @NotNull ShotOrder body) {
        return shots.reorder(caller.get(), projectId, body.shotIds())
                .map(rows -> new Page<>(rows.stream().map(ShotView::of).toList(), null));
    }

    @GET
    @Path("/statistics")
    @Operation(summary = "Per-shot counts, in the shots' order (whole list)", description = "total_generations (links),"
            + " positioned_count, unpositioned_count (images off the timeline), video_count (links to videos),"
            + " final_video_count (final videos with their video).")
    public Uni<Page<ShotStatisticsView>> statistics(@PathParam("projectId") UUID projectId) {
        return outputs.statistics(caller.get(), projectId)
                .map(rows -> new Page<>(rows.stream().map(ShotStatisticsView::of).toList(), null));
    }

    @GET
    @Path("/final-videos")
    @Operation(summary = "The project's final videos, newest first, each with its shot", description = "Cursor pages"
            + " (?limit, ?cursor, ?include_total=true for the exact total); ?with_media=true: only those whose video"
            + " exists (not a shot's placeholder).")
    public Uni<Page<FinalVideoView>> finalVideos(@PathParam("projectId") UUID projectId,
            @QueryParam("with_media") String withMedia, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @QueryParam("include_total") String includeTotal) {
        return outputs.ofProject(caller.get(), projectId, Boolean.TRUE.equals(QueryParams.bool("with_media", withMedia)),
                PageRequest.fromQuery(limit, cursor, includeTotal)).map(page -> page.map(FinalVideoView::of));
    }
}
