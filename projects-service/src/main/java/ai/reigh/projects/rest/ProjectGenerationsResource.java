package ai.reigh.projects.rest;

import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
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
public class ProjectGenerationsResource {
    private static final Set<String> TYPES = Set.of("image", "video");

    private final GenerationService generations;
    private final CurrentCaller caller;

    public ProjectGenerationsResource(GenerationService generations, CurrentCaller caller) {
        this.generations = generations;
        this.caller = caller;
    }

    /** From a {@code url}, or from a ready {@code object_id} of the caller in bucket {@code public}. */
    @POST
    public Uni<RestResponse<GenerationView>> upload(@PathParam("projectId") UUID projectId,
            @Valid @NotNull GenerationUpload body) {
        return generations.upload(caller.get(), projectId, body.type(), body.url(), body.objectId(), body.metadata())
                .map(row -> RestResponse.status(Status.CREATED, GenerationView.of(row)));
    }

    /**
     * Newest first. {@code unpositioned=true} needs {@code shot_id}: the generations linked to that
     * shot without a position. A {@code shot_id} that is not a shot of this project matches nothing.
     */
    @GET
    public Uni<Page<GenerationView>> list(@PathParam("projectId") UUID projectId, @QueryParam("type") String type,
            @QueryParam("starred") String starred, @QueryParam("shot_id") String shotId,
            @QueryParam("unpositioned") String unpositioned, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        UUID shot = QueryParams.uuid("shot_id", shotId);
        boolean onlyUnpositioned = Boolean.TRUE.equals(QueryParams.bool("unpositioned", unpositioned));
        if (onlyUnpositioned && shot == null) {
            throw ProblemException.validation("unpositioned", "needs shot_id (the shot whose unpositioned items to show)");
        }
        GenerationFilter filter = new GenerationFilter(QueryParams.oneOf("type", type, TYPES),
                QueryParams.bool("starred", starred), shot, onlyUnpositioned);
        return generations.page(caller.get(), projectId, filter, PageRequest.fromQuery(limit, cursor))
                .map(page -> QueryParams.map(page, GenerationView::of));
    }
}
