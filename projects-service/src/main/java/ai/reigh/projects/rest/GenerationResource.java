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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.page.Page;
import ai.reigh.projects.rest.MediaRequests.GenerationBatchGet;
import ai.reigh.projects.rest.MediaRequests.VariantBatchGet;
import ai.reigh.projects.rest.Requests.GenerationPatch;
import ai.reigh.projects.rest.Views.GenerationView;
import ai.reigh.projects.service.GenerationService;
import ai.reigh.projects.service.VariantService;
import io.smallrye.mutiny.Uni;

@Path("/v1/generations")
@RolesAllowed(Roles.USER)
@Tag(name = "generations")
public class GenerationResource {
    private final GenerationService generations;
    private final VariantService variants;
    private final CurrentCaller caller;

    public GenerationResource(GenerationService generations, VariantService variants, CurrentCaller caller) {
        this.generations = generations;
        this.variants = variants;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A generation of the caller", description = "With variant_count and unviewed_variant_count;"
            + " url/thumbnail_url are the primary variant's (primary_variant_id). Someone else's: 404.")
    public Uni<GenerationView> get(@PathParam("id") UUID id) {
        return generations.get(caller.get(), id).map(GenerationView::of);
    }

    @POST
    @Path("/batch-get")
    @Operation(summary = "Several generations of the caller at once",
            description = "{ids: [..≤200]} or {urls: [..≤200]} (exactly one) → {items, next_cursor: null}, newest first."
                    + " Ids or URLs that match none of the caller's generations are simply absent. By URL, at most"
                    + " 1000 items (several generations may show the same URL). A POST because 200 ids do not fit a"
                    + " query string that every proxy accepts.")
    public Uni<Page<GenerationView>> batchGet(@Valid @NotNull GenerationBatchGet body) {
        return generations.batchGet(caller.get(), body.ids(), body.urls())
                .map(rows -> new Page<>(rows.stream().map(GenerationView::of).toList(), null));
    }

    @POST
    @Path("/variants/batch-get")
    @Operation(summary = "Several variants of the caller's generations at once",
            description = "{ids: [..≤200]} or {urls: [..≤200]} (exactly one) → {items, next_cursor: null}, newest first;"
                    + " others' ids are simply absent. By URL (which generation shows this output?), at most 1000 items.")
    public Uni<Page<VariantView>> variantsBatchGet(@Valid @NotNull VariantBatchGet body) {
        return variants.batchGet(caller.get(), body.ids(), body.urls())
                .map(rows -> new Page<>(rows.stream().map(VariantView::of).toList(), null));
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Edit a generation", description = "Absent fields keep their value; metadata and params are"
            + " JSON merge patches. url and thumbnail_url of a generation with variants change its primary variant's"
            + " too (clearing the url then is 409 generation_has_variants). based_on and parent_generation_id must"
            + " be generations of the same project (another project of the caller: 422 generation_not_in_project),"
            + " pair_shot_generation_id a shot link of the same project; null clears them.")
    public Uni<GenerationView> update(@PathParam("id") UUID id, @Valid @NotNull GenerationPatch body) {
        GenerationService.Edit edit = new GenerationService.Edit(body.name(), body.starred(), body.metadata(),
                body.params(), PatchFields.text("url", body.url(), 2048),
                PatchFields.text("thumbnail_url", body.thumbnailUrl(), 2048),
                PatchFields.uuid("based_on", body.basedOn()),
                PatchFields.uuid("parent_generation_id", body.parentGenerationId()),
                PatchFields.integer("child_order", body.childOrder(), 0, Requests.CHILD_ORDER_MAX),
                PatchFields.uuid("pair_shot_generation_id", body.pairShotGenerationId()));
        return generations.update(caller.get(), id, edit).map(GenerationView::of);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a generation", description = "Its shot links, segments (children) and variants go"
            + " with it; the storage objects they referenced are queued for deletion unless still used elsewhere.")
    public Uni<RestResponse<Void>> delete(@PathParam("id") UUID id) {
        return generations.delete(caller.get(), id).map(done -> RestResponse.noContent());
    }
}
