package ai.reigh.projects.rest;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PUT;
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
import ai.reigh.projects.rest.Requests.ShotDuplicate;
import ai.reigh.projects.rest.Requests.ShotPatch;
import ai.reigh.projects.rest.TimelineViews.FinalVideoView;
import ai.reigh.projects.rest.Views.GenerationView;
import ai.reigh.projects.rest.Views.ShotView;
import ai.reigh.projects.service.ShotOutputsService;
import ai.reigh.projects.service.ShotService;
import io.smallrye.mutiny.Uni;

@Path("/v1/shots")
@RolesAllowed(Roles.USER)
@Tag(name = "shots")
public class ShotResource {
    private static final Pattern ASPECT_RATIO = Pattern.compile(Requests.ASPECT_RATIO);

    private final ShotService shots;
    private final ShotOutputsService outputs;
    private final CurrentCaller caller;

    public ShotResource(ShotService shots, ShotOutputsService outputs, CurrentCaller caller) {
        this.shots = shots;
        this.outputs = outputs;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A shot of the caller", description = "With aspect_ratio (null: the project's) and"
            + " parent_generation_id (the video generation its segments hang from).")
    public Uni<ShotView> get(@PathParam("id") UUID id) {
        return shots.get(caller.get(), id).map(ShotView::of);
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Rename, merge-patch settings, set or clear the aspect ratio",
            description = "{name?, settings?: merge patch, aspect_ratio?: \"16:9\"|null}; absent keeps.")
    public Uni<ShotView> update(@PathParam("id") UUID id, @Valid @NotNull ShotPatch body) {
        return shots.update(caller.get(), id, body.name(), body.settings(), body.aspectRatio() != null,
                aspectRatio(body.aspectRatio())).map(ShotView::of);
    }

    @PUT
    @Path("/{id}/settings/{key}")
    @Operation(summary = "Replace one tool's shot settings (the key), whole",
            description = "The body is {settings: a JSON object}; keys it lacks are removed from that tool's settings, other keys are "
                    + "untouched (the shot row is locked for the write).")
    public Uni<ShotView> replaceSettingsKey(@PathParam("id") UUID id, @PathParam("key") String key,
            @Valid @NotNull Requests.SettingsReplacement body) {
        return shots.replaceSettingsKey(caller.get(), id, key, body.settings()).map(ShotView::of);
    }

    /** Removes the shot and its links; the generations stay in the project. */
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a shot", description = "Its links go with it (the generations stay), and its parent"
            + " generation while that is still a placeholder (no video, no segment).")
    public Uni<RestResponse<Void>> delete(@PathParam("id") UUID id) {
        return shots.delete(caller.get(), id).map(done -> RestResponse.noContent());
    }

    @POST
    @Path("/{id}/duplicate")
    @Operation(summary = "Copy a shot with its links, right after it", description = "{name?} (default: \"<name>"
            + " (copy)\") → 201 with generations: the copied links. Settings, aspect ratio, image links with their frames"
            + " and metadata are copied from one consistent state of the original; the copy gets a parent of its own.")
    public Uni<RestResponse<ShotView>> duplicate(@PathParam("id") UUID id, @Valid ShotDuplicate body) {
        return shots.duplicate(caller.get(), id, body == null ? null : body.name())
                .map(copy -> RestResponse.status(Status.CREATED, ShotView.of(copy.shot(),
                        TimelineViews.links(copy.links().links(), copy.links().generations()))));
    }

    @POST
    @Path("/{id}/parent-generation")
    @Operation(summary = "The shot's parent video generation, made again if it was deleted",
            description = "201 with a new placeholder (url null) when the shot had none, else 200 with its parent.")
    public Uni<RestResponse<GenerationView>> parentGeneration(@PathParam("id") UUID id) {
        return shots.ensureParent(caller.get(), id).map(parent -> RestResponse.status(
                parent.created() ? Status.CREATED : Status.OK, GenerationView.of(parent.generation())));
    }

    @GET
    @Path("/{id}/final-videos")
    @Operation(summary = "The shot's final videos, newest first", description = "Its parent generation and the travel"
            + " outputs linked to it (top-level videos with orchestrator params or segments). ?with_media=true: only"
            + " those whose video exists. Whole list, next_cursor null.")
    public Uni<Page<FinalVideoView>> finalVideos(@PathParam("id") UUID id, @QueryParam("with_media") String withMedia) {
        return outputs.ofShot(caller.get(), id, Boolean.TRUE.equals(QueryParams.bool("with_media", withMedia)))
                .map(rows -> new Page<>(rows.stream().map(FinalVideoView::of).toList(), null));
    }

    /** Absent (null here) is handled by the caller; JSON null clears; anything else must look like 16:9. */
    static String aspectRatio(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || !ASPECT_RATIO.matcher(value.asText()).matches()) {
            throw ProblemException.validation("aspect_ratio", "must look like 16:9, or be null");
        }
        return value.asText();
    }
}
