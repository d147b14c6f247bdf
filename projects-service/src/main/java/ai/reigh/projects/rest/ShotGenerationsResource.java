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

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.projects.rest.Requests.ShotGenerationCreate;
import ai.reigh.projects.rest.Requests.ShotGenerationMove;
import ai.reigh.projects.rest.Views.ShotGenerationView;
import ai.reigh.projects.service.ShotLinkService;
import io.smallrye.mutiny.Uni;

/**
 * The generations of a shot. The list is complete (at most the per-shot cap): positioned items by
 * position, then unpositioned ones by creation time, as {@code {items, next_cursor: null}}.
 */
@Path("/v1/shots/{shotId}/generations")
@RolesAllowed(Roles.USER)
public class ShotGenerationsResource {
    private final ShotLinkService links;
    private final CurrentCaller caller;

    public ShotGenerationsResource(ShotLinkService links, CurrentCaller caller) {
        this.links = links;
        this.caller = caller;
    }

    @POST
    public Uni<RestResponse<ShotGenerationView>> add(@PathParam("shotId") UUID shotId,
            @Valid @NotNull ShotGenerationCreate body) {
        return links.add(caller.get(), shotId, body.generationId(), body.position())
                .map(row -> RestResponse.status(Status.CREATED, ShotGenerationView.of(row)));
    }

    /** {@code ?positioned=true} only the shot editor's items, {@code false} only the others. */
    @GET
    public Uni<Page<ShotGenerationView>> list(@PathParam("shotId") UUID shotId,
            @QueryParam("positioned") String positioned) {
        return links.list(caller.get(), shotId, QueryParams.bool("positioned", positioned))
                .map(rows -> new Page<>(rows.stream().map(ShotGenerationView::of).toList(), null));
    }

    /** {@code {position: n}} places the item, {@code {position: null}} takes it out of the editor. */
    @PATCH
    @Path("/{linkId}")
    public Uni<ShotGenerationView> move(@PathParam("shotId") UUID shotId, @PathParam("linkId") UUID linkId,
            @NotNull ShotGenerationMove body) {
        return links.move(caller.get(), shotId, linkId, position(body.position())).map(ShotGenerationView::of);
    }

    @DELETE
    @Path("/{linkId}")
    public Uni<RestResponse<Void>> remove(@PathParam("shotId") UUID shotId, @PathParam("linkId") UUID linkId) {
        return links.remove(caller.get(), shotId, linkId).map(done -> RestResponse.noContent());
    }

    /** Absent is an error (say null to unposition); otherwise a non-negative integer or null. */
    static Integer position(JsonNode value) {
        if (value == null) {
            throw ProblemException.validation("position", "is required (an integer, or null to unposition)");
        }
        if (value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ProblemException.validation("position", "must be an integer or null");
        }
        return value.intValue();
    }
}
