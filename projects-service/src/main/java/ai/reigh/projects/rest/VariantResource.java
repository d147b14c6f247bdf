package ai.reigh.projects.rest;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
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
import ai.reigh.common.http.IdempotencyKeys;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.repository.VariantRepository.VariantFilter;
import ai.reigh.projects.rest.MediaRequests.VariantCreate;
import ai.reigh.projects.rest.MediaRequests.VariantPatch;
import ai.reigh.projects.rest.Views.GenerationView;
import ai.reigh.projects.service.VariantService;
import io.smallrye.mutiny.Uni;

/**
 * The variants of a generation of the caller (someone else's generation: 404 on every route). Exactly
 * one variant is primary whenever there are any, and the generation shows its media.
 */
@Path("/v1/generations/{generationId}/variants")
@RolesAllowed(Roles.USER)
@Tag(name = "generation variants")
public class VariantResource {
    static final Pattern VARIANT_TYPE = Pattern.compile(MediaRequests.VARIANT_TYPE);
    /** Variant types one list filter may name. */
    static final int MAX_VARIANT_TYPES = 20;

    private final VariantService variants;
    private final CurrentCaller caller;

    public VariantResource(VariantService variants, CurrentCaller caller) {
        this.variants = variants;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The generation's variants, newest first",
            description = "Cursor pages (?limit=1..200&cursor=), ?include_total=true adds total. Filters:"
                    + " variant_type=a,b (≤20), is_primary=true|false, starred=true|false.")
    public Uni<Page<VariantView>> list(@PathParam("generationId") UUID generationId,
            @QueryParam("variant_type") String variantType, @QueryParam("is_primary") String isPrimary,
            @QueryParam("starred") String starred, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @QueryParam("include_total") String includeTotal) {
        VariantFilter filter = new VariantFilter(
                QueryParams.list("variant_type", variantType, MAX_VARIANT_TYPES, VARIANT_TYPE),
                QueryParams.bool("is_primary", isPrimary), QueryParams.bool("starred", starred));
        return variants.page(caller.get(), generationId, filter, PageRequest.fromQuery(limit, cursor, includeTotal))
                .map(page -> page.map(VariantView::of));
    }

    @POST
    @Operation(summary = "Add a variant (idempotent with Idempotency-Key)",
            description = "Exactly one of url and object_id (a ready object of the caller in bucket public, of the"
                    + " generation's type). is_primary: true makes it the generation's media in the same transaction;"
                    + " a generation's first variant is primary anyway. variant_type 'original' is reserved."
                    + " 201 with the variant; 200 with the first one when Idempotency-Key (or idempotency_key)"
                    + " replays the same request; 409 idempotency_key_reused for another request; 422"
                    + " quota_exceeded beyond variants-per-generation.")
    public Uni<RestResponse<VariantView>> create(@PathParam("generationId") UUID generationId,
            @Valid @NotNull VariantCreate body, @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey) {
        String key = IdempotencyKeys.resolve(idempotencyKey, body.idempotencyKey());
        VariantService.NewUserVariant input = new VariantService.NewUserVariant(body.url(), body.objectId(),
                body.thumbnailUrl(), body.params(), body.variantType(), body.name(),
                Boolean.TRUE.equals(body.isPrimary()), Boolean.TRUE.equals(body.starred()));
        return variants.create(caller.get(), generationId, input, key).map(created -> RestResponse
                .status(created.created() ? Status.CREATED : Status.OK, VariantView.of(created.variant())));
    }

    @DELETE
    @Operation(summary = "Back to the original: delete every variant but the originals",
            description = "If the primary went, the oldest original becomes primary; without one the generation"
                    + " shows no media (url null). Answers the generation as it is after. Storage objects no"
                    + " longer used are queued for deletion.")
    public Uni<GenerationView> deleteAllButOriginals(@PathParam("generationId") UUID generationId) {
        return variants.deleteAllButOriginals(caller.get(), generationId).map(GenerationView::of);
    }

    @POST
    @Path("/viewed")
    @Operation(summary = "Mark every variant of the generation viewed",
            description = "Only variants not viewed yet get viewed_at = now. Answers the generation"
                    + " (unviewed_variant_count 0).")
    public Uni<GenerationView> markAllViewed(@PathParam("generationId") UUID generationId) {
        return variants.markAllViewed(caller.get(), generationId).map(GenerationView::of);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A variant of the generation")
    public Uni<VariantView> get(@PathParam("generationId") UUID generationId, @PathParam("id") UUID id) {
        return variants.get(caller.get(), generationId, id).map(VariantView::of);
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Edit a variant", description = "name, starred, params (JSON merge patch), variant_type"
            + " (an original stays original), thumbnail_url (the primary's is the generation's too). Absent fields"
            + " keep their value. Its media (url) is fixed: add a variant instead.")
    public Uni<VariantView> update(@PathParam("generationId") UUID generationId, @PathParam("id") UUID id,
            @Valid @NotNull VariantPatch body) {
        VariantService.Edit edit = new VariantService.Edit(PatchFields.text("name", body.name(), 200), body.starred(),
                body.params(), body.variantType(), PatchFields.text("thumbnail_url", body.thumbnailUrl(), 2048));
        return variants.update(caller.get(), generationId, id, edit).map(VariantView::of);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a variant", description = "Not the primary (409 variant_is_primary: make another"
            + " one primary first) nor an original (409 variant_is_original). Its storage object is queued for"
            + " deletion unless still used.")
    public Uni<RestResponse<Void>> delete(@PathParam("generationId") UUID generationId, @PathParam("id") UUID id) {
        return variants.delete(caller.get(), generationId, id).map(done -> RestResponse.noContent());
    }

    @POST
    @Path("/{id}/primary")
    @Operation(summary = "Make the variant primary",
            description = "Atomic: the previous primary is unset and the generation's url, thumbnail_url and"
                    + " primary_variant_id become this variant's in one transaction, under the generation's lock"
                    + " (concurrent calls run one after the other; the last one wins). Answers the generation.")
    public Uni<GenerationView> makePrimary(@PathParam("generationId") UUID generationId, @PathParam("id") UUID id) {
        return variants.makePrimary(caller.get(), generationId, id).map(GenerationView::of);
    }

    @POST
    @Path("/{id}/viewed")
    @Operation(summary = "Mark the variant viewed", description = "viewed_at = now the first time; later calls change"
            + " nothing. Answers the variant.")
    public Uni<VariantView> markViewed(@PathParam("generationId") UUID generationId, @PathParam("id") UUID id) {
        return variants.markViewed(caller.get(), generationId, id).map(VariantView::of);
    }
}
