package ai.reigh.projects.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.repository.VariantRepository.ProjectVariantFilter;
import ai.reigh.projects.service.VariantService;
import io.smallrye.mutiny.Uni;

/** Every variant of a project's generations: the gallery's "edits" view. */
@Path("/v1/projects/{projectId}/variants")
@RolesAllowed(Roles.USER)
@Tag(name = "generation variants")
public class ProjectVariantsResource {
    private final VariantService variants;
    private final CurrentCaller caller;

    public ProjectVariantsResource(VariantService variants, CurrentCaller caller) {
        this.variants = variants;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The project's variants, newest first",
            description = "Cursor pages (?limit=1..200&cursor=), ?include_total=true adds total; sort=newest|oldest."
                    + " Filters: tool_type=a,b (params.tool_type, ≤10 values), variant_type=a,b (≤20),"
                    + " type=image|video (the generation's), parents_only=true (no params.parent_variant_id).")
    public Uni<Page<VariantView>> list(@PathParam("projectId") UUID projectId, @QueryParam("tool_type") String toolType,
            @QueryParam("variant_type") String variantType, @QueryParam("type") String type,
            @QueryParam("parents_only") String parentsOnly, @QueryParam("sort") String sort,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @QueryParam("include_total") String includeTotal) {
        ProjectVariantFilter filter = new ProjectVariantFilter(QueryParams.toolTypes(toolType),
                QueryParams.list("variant_type", variantType, VariantResource.MAX_VARIANT_TYPES, VariantResource.VARIANT_TYPE),
                QueryParams.oneOf("type", type, ProjectGenerationsResource.TYPES),
                Boolean.TRUE.equals(QueryParams.bool("parents_only", parentsOnly)), QueryParams.oldestFirst(sort));
        return variants.pageInProject(caller.get(), projectId, filter, PageRequest.fromQuery(limit, cursor, includeTotal))
                .map(page -> page.map(VariantView::of));
    }
}
