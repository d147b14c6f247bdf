package ai.reigh.projects.rest;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.repository.LinkFilter;
import ai.reigh.projects.rest.TimelineRequests.LinkBatchGet;
import ai.reigh.projects.rest.Views.ShotGenerationView;
import ai.reigh.projects.service.ShotLinkService;
import io.smallrye.mutiny.Uni;

/**
 * Links across a project's shots: every link of some generations (which shots use them, at which
 * frames), the links of many shots at once. The id lists travel in a body: a thousand ids do not fit
 * in a request line.
 */
@Path("/v1/projects/{projectId}/shot-generations")
@RolesAllowed(Roles.USER)
@Tag(name = "shot timeline")
public class ProjectShotLinksResource {
    private final ShotLinkService links;
    private final CurrentCaller caller;

    public ProjectShotLinksResource(ShotLinkService links, CurrentCaller caller) {
        this.links = links;
        this.caller = caller;
    }

    @POST
    @Path("/batch-get")
    @Operation(summary = "Links of many shots or generations of the project", description = "{shot_ids?[..1000],"
            + " generation_ids?[..1000], positioned?}: at least one list; both narrow together. Newest first in cursor"
            + " pages (?limit, ?cursor, ?include_total=true); ?embed=generation adds each link's generation. Ids of"
            + " other projects match nothing.")
    public Uni<Page<ShotGenerationView>> batchGet(@PathParam("projectId") UUID projectId,
            @Valid @NotNull LinkBatchGet body, @QueryParam("embed") String embed, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @QueryParam("include_total") String includeTotal) {
        if (body.shotIds() == null && body.generationIds() == null) {
            String message = "give shot_ids or generation_ids (or both)";
            throw ProblemException.validation(List.of(new FieldError("generation_ids", message),
                    new FieldError("shot_ids", message)));
        }
        LinkFilter filter = new LinkFilter(ids(body.shotIds()), ids(body.generationIds()), body.positioned());
        return links.page(caller.get(), projectId, filter, PageRequest.fromQuery(limit, cursor, includeTotal),
                ShotGenerationsResource.embeds(embed))
                .map(linked -> new Page<>(TimelineViews.links(linked.page().items(), linked.generations()),
                        linked.page().nextCursor(), linked.page().total()));
    }

    private static UUID[] ids(List<UUID> ids) {
        return ids == null ? null : ids.toArray(UUID[]::new);
    }
}
