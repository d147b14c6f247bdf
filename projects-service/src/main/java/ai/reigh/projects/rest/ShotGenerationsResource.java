package ai.reigh.projects.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.projects.rest.Requests.ShotGenerationCreate;
import ai.reigh.projects.rest.Requests.ShotGenerationPatch;
import ai.reigh.projects.rest.TimelineRequests.PositionEntry;
import ai.reigh.projects.rest.TimelineRequests.TimelineAppend;
import ai.reigh.projects.rest.TimelineRequests.TimelineLinks;
import ai.reigh.projects.rest.TimelineRequests.TimelineNormalize;
import ai.reigh.projects.rest.TimelineRequests.TimelineOrder;
import ai.reigh.projects.rest.TimelineRequests.TimelinePositions;
import ai.reigh.projects.rest.TimelineViews.TimelineView;
import ai.reigh.projects.rest.Views.ShotGenerationView;
import ai.reigh.projects.service.ShotLinkService;
import ai.reigh.projects.service.TimelineService;
import ai.reigh.projects.service.TimelineService.PositionChange;
import io.smallrye.mutiny.Uni;

/**
 * The generations of a shot (its links) and its timeline. The list is complete (at most the per-shot
 * cap): positioned links by frame, then unpositioned ones by creation time, as
 * {@code {items, next_cursor: null}}. Every timeline operation is one transaction with the shot locked
 * and answers the whole timeline in that same shape.
 */
@Path("/v1/shots/{shotId}/generations")
@RolesAllowed(Roles.USER)
@Tag(name = "shot timeline")
public class ShotGenerationsResource {
    private static final Set<String> EMBEDS = Set.of("generation");

    private final ShotLinkService links;
    private final TimelineService timeline;
    private final CurrentCaller caller;

    public ShotGenerationsResource(ShotLinkService links, TimelineService timeline, CurrentCaller caller) {
        this.links = links;
        this.timeline = timeline;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Link a generation of the shot's project", description = "{generation_id, position?: frame|null,"
            + " metadata?} → 201. The same generation may be linked twice. A frame another link holds: 409 position_taken;"
            + " another project's generation: 422 generation_not_in_project.")
    public Uni<RestResponse<ShotGenerationView>> add(@PathParam("shotId") UUID shotId,
            @Valid @NotNull ShotGenerationCreate body) {
        return links.add(caller.get(), shotId, body.generationId(), body.position(), body.metadata())
                .map(row -> RestResponse.status(Status.CREATED, ShotGenerationView.of(row)));
    }

    @GET
    @Operation(summary = "The shot's links: positioned by frame, then unpositioned",
            description = "?positioned=true|false filters; ?embed=generation adds each link's generation.")
    public Uni<Page<ShotGenerationView>> list(@PathParam("shotId") UUID shotId,
            @QueryParam("positioned") String positioned, @QueryParam("embed") String embed) {
        return links.list(caller.get(), shotId, QueryParams.bool("positioned", positioned), embeds(embed))
                .map(linked -> new Page<>(TimelineViews.links(linked.links(), linked.generations()), null));
    }

    @GET
    @Path("/{linkId}")
    @Operation(summary = "One link, with its metadata", description = "?embed=generation adds its generation.")
    public Uni<ShotGenerationView> get(@PathParam("shotId") UUID shotId, @PathParam("linkId") UUID linkId,
            @QueryParam("embed") String embed) {
        return links.get(caller.get(), shotId, linkId, embeds(embed))
                .map(linked -> TimelineViews.links(linked.links(), linked.generations()).get(0));
    }

    @PATCH
    @Path("/{linkId}")
    @Operation(summary = "Move a link and/or merge-patch its metadata",
            description = "{position?: frame|null, metadata?: merge patch}; at least one. position null takes it off"
                    + " the timeline; a frame another link holds: 409 position_taken.")
    public Uni<ShotGenerationView> update(@PathParam("shotId") UUID shotId, @PathParam("linkId") UUID linkId,
            @NotNull ShotGenerationPatch body) {
        if (body.position() == null && body.metadata() == null) {
            throw ProblemException.validation("position", "give position (a frame, or null to unposition) and/or metadata");
        }
        return links.update(caller.get(), shotId, linkId, body.position() != null, position("position", body.position()),
                body.metadata()).map(ShotGenerationView::of);
    }

    @DELETE
    @Path("/{linkId}")
    @Operation(summary = "Remove a link", description = "The generation stays in the project; other frames do not move.")
    public Uni<RestResponse<Void>> remove(@PathParam("shotId") UUID shotId, @PathParam("linkId") UUID linkId) {
        return links.remove(caller.get(), shotId, linkId).map(done -> RestResponse.noContent());
    }

    @POST
    @Path("/append")
    @Operation(summary = "Add generations after the last frame", description = "{generation_ids[1..1000], spacing?: 1..10000"
            + " (default 50), metadata?} → 201 {items: the timeline, added: the new links}. The first new frame is the"
            + " last + spacing (0 on an empty timeline). Concurrent appends take turns: frames never collide."
            + " Past frame 1000000: 422 position_out_of_range.")
    public Uni<RestResponse<TimelineView>> append(@PathParam("shotId") UUID shotId, @Valid @NotNull TimelineAppend body) {
        return timeline.append(caller.get(), shotId, body.generationIds(), body.spacing(), body.metadata())
                .map(outcome -> RestResponse.status(Status.CREATED, TimelineView.of(outcome.links(), outcome.added())));
    }

    @PUT
    @Path("/positions")
    @Operation(summary = "Set many frames in one call (swaps included)", description = "{positions: [{id, position:"
            + " frame|null, metadata?: merge patch}] (1..1000)}. Checked on the end state: two links may exchange frames;"
            + " two links on one frame at the end: 409 position_taken and nothing changes.")
    public Uni<TimelineView> setPositions(@PathParam("shotId") UUID shotId, @Valid @NotNull TimelinePositions body) {
        List<PositionChange> changes = new ArrayList<>();
        for (int i = 0; i < body.positions().size(); i++) {
            PositionEntry entry = body.positions().get(i);
            String field = "positions[" + i + "].position";
            if (entry.position() == null) {
                throw ProblemException.validation(field, "is required (a frame, or null to unposition)");
            }
            changes.add(new PositionChange(entry.id(), position(field, entry.position()), entry.metadata()));
        }
        return timeline.setPositions(caller.get(), shotId, changes).map(TimelineResults::view);
    }

    @PUT
    @Path("/order")
    @Operation(summary = "Reorder: the given links evenly spaced from frame 0", description = "{link_ids, spacing?}:"
            + " every link on the timeline once (unpositioned ones may be added); frames 0, spacing, 2·spacing…")
    public Uni<TimelineView> reorder(@PathParam("shotId") UUID shotId, @Valid @NotNull TimelineOrder body) {
        return timeline.reorder(caller.get(), shotId, body.linkIds(), body.spacing()).map(TimelineResults::view);
    }

    @POST
    @Path("/normalize")
    @Operation(summary = "Re-space the timeline from frame 0", description = "{spacing?} evenly (default 50), or"
            + " {max_gap} keeping each gap up to that many frames. Links already in place are not written.")
    public Uni<TimelineView> normalize(@PathParam("shotId") UUID shotId, @NotNull TimelineNormalize body) {
        return timeline.normalize(caller.get(), shotId, TimelineResults.normalization(body)).map(TimelineResults::view);
    }

    @POST
    @Path("/unposition")
    @Operation(summary = "Take links off the timeline (they stay in the shot)",
            description = "{link_ids, normalize?: {spacing?|max_gap?}}: then re-spaces the rest when asked.")
    public Uni<TimelineView> unposition(@PathParam("shotId") UUID shotId, @Valid @NotNull TimelineLinks body) {
        return timeline.unposition(caller.get(), shotId, body.linkIds(), TimelineResults.normalization(body.normalize()))
                .map(TimelineResults::view);
    }

    @POST
    @Path("/remove")
    @Operation(summary = "Remove links from the shot", description = "{link_ids, normalize?: {spacing?|max_gap?}}: the"
            + " generations stay in the project; then re-spaces the rest when asked (delete-and-normalize).")
    public Uni<TimelineView> remove(@PathParam("shotId") UUID shotId, @Valid @NotNull TimelineLinks body) {
        return timeline.remove(caller.get(), shotId, body.linkIds(), TimelineResults.normalization(body.normalize()))
                .map(TimelineResults::view);
    }

    static boolean embeds(String embed) {
        return QueryParams.oneOf("embed", embed, EMBEDS) != null;
    }

    /** A frame or null (off the timeline); anything else names {@code field}. */
    static Integer position(String field, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ProblemException.validation(field, "must be an integer or null");
        }
        return value.intValue();
    }
}
