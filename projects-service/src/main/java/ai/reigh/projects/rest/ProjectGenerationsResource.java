package ai.reigh.projects.rest;

import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.http.IdempotencyKeys;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.repository.GenerationFilter;
import ai.reigh.projects.rest.Requests.GenerationUpload;
import ai.reigh.projects.rest.Views.GenerationView;
import ai.reigh.projects.service.GenerationService;
import io.smallrye.mutiny.Uni;

/** A project's generations: user uploads, and the filtered list of the Generations pane. */
@Path("/v1/projects/{projectId}/generations")
@RolesAllowed(Roles.USER)
@Tag(name = "generations")
public class ProjectGenerationsResource {
    static final Set<String> TYPES = Set.of("image", "video");
    /** Longest prompt text a search may name. */
    static final int MAX_SEARCH_LENGTH = 200;

    private final GenerationService generations;
    private final CurrentCaller caller;

    public ProjectGenerationsResource(GenerationService generations, CurrentCaller caller) {
        this.generations = generations;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Upload a generation (idempotent with Idempotency-Key)",
            description = "From a url, a ready object_id of the caller in bucket public, or neither (a placeholder"
                    + " without media). With media, its 'original' variant is created too, primary and viewed, in the"
                    + " same transaction. based_on / parent_generation_id: generations of this project (404 if not"
                    + " the caller's, 422 generation_not_in_project for another project of theirs);"
                    + " pair_shot_generation_id: a shot link of this project. 201 with the generation; 200 with the"
                    + " first one when the idempotency key replays the same request; 409 idempotency_key_reused.")
    public Uni<RestResponse<GenerationView>> upload(@PathParam("projectId") UUID projectId,
            @Valid @NotNull GenerationUpload body, @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey) {
        String key = IdempotencyKeys.resolve(idempotencyKey, body.idempotencyKey());
        GenerationService.Upload upload = new GenerationService.Upload(body.type(), body.url(), body.objectId(),
                body.thumbnailUrl(), body.params(), body.metadata(), body.name(), body.basedOn(),
                body.parentGenerationId(), body.childOrder(), body.pairShotGenerationId());
        return generations.upload(caller.get(), projectId, upload, key).map(created -> RestResponse
                .status(created.created() ? Status.CREATED : Status.OK, GenerationView.of(created.generation())));
    }

    /**
     * Newest first. {@code unpositioned=true} needs {@code shot_id}: the generations linked to that
     * shot without a position. A {@code shot_id} that is not a shot of this project matches nothing.
     */
    @GET
    @Operation(summary = "The project's generations, newest first",
            description = "Cursor pages (?limit=1..200&cursor=); ?include_total=true adds total (every match, whatever"
                    + " the page); sort=newest (default) or oldest. Filters (all optional, combined with AND):"
                    + " type=image|video, starred, shot_id, unpositioned=true (with shot_id), in_shot=true|false (linked"
                    + " to any shot / to none), tool_type=a,b (params.tool_type, ≤10 values), q (1-200 characters found"
                    + " anywhere in the prompt, case-insensitive), is_child=true|false (false: top-level only),"
                    + " parent_generation_id, child_order, pair_shot_generation_id, based_on, has_based_on=true|false,"
                    + " url (exact), has_url=true|false (false: placeholders), task_id (among the producing tasks).")
    public Uni<Page<GenerationView>> list(@PathParam("projectId") UUID projectId, @QueryParam("type") String type,
            @QueryParam("starred") String starred, @QueryParam("shot_id") String shotId,
            @QueryParam("unpositioned") String unpositioned, @QueryParam("in_shot") String inShot,
            @QueryParam("tool_type") String toolType, @QueryParam("q") String search,
            @QueryParam("is_child") String isChild, @QueryParam("parent_generation_id") String parentGenerationId,
            @QueryParam("based_on") String basedOn, @QueryParam("url") String url, @QueryParam("has_url") String hasUrl,
            @QueryParam("task_id") String taskId, @QueryParam("has_based_on") String hasBasedOn,
            @QueryParam("pair_shot_generation_id") String pairShotGenerationId,
            @QueryParam("child_order") String childOrder, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @QueryParam("include_total") String includeTotal) {
        UUID shot = QueryParams.uuid("shot_id", shotId);
        boolean onlyUnpositioned = Boolean.TRUE.equals(QueryParams.bool("unpositioned", unpositioned));
        if (onlyUnpositioned && shot == null) {
            throw ProblemException.validation("unpositioned", "needs shot_id (the shot whose unpositioned items to show)");
        }
        GenerationFilter filter = new GenerationFilter(QueryParams.oneOf("type", type, TYPES),
                QueryParams.bool("starred", starred), shot, onlyUnpositioned,
                QueryParams.toolTypes(toolType),
                QueryParams.containing(QueryParams.text("q", search, MAX_SEARCH_LENGTH)),
                QueryParams.bool("is_child", isChild), QueryParams.uuid("parent_generation_id", parentGenerationId),
                QueryParams.uuid("based_on", basedOn), QueryParams.text("url", url, 2048),
                QueryParams.bool("has_url", hasUrl), QueryParams.uuid("task_id", taskId),
                QueryParams.bool("in_shot", inShot), QueryParams.bool("has_based_on", hasBasedOn),
                QueryParams.uuid("pair_shot_generation_id", pairShotGenerationId),
                QueryParams.integer("child_order", childOrder, 0, Requests.CHILD_ORDER_MAX), QueryParams.oldestFirst(sort));
        return generations.page(caller.get(), projectId, filter, PageRequest.fromQuery(limit, cursor, includeTotal))
                .map(page -> page.map(GenerationView::of));
    }
}
