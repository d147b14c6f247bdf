package ai.reigh.projects.service;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.db.Db.PageRead;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.CanonicalJson;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.GenerationRepository;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ProjectRepository;
import ai.reigh.projects.repository.VariantRepository;
import ai.reigh.projects.repository.VariantRepository.NewVariant;
import ai.reigh.projects.repository.VariantRepository.ProjectVariantFilter;
import ai.reigh.projects.repository.VariantRepository.VariantFilter;
import ai.reigh.projects.repository.VariantRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The variants of a user's generation: list, add (idempotent), edit, star, mark viewed, make primary,
 * delete. Every change that involves the primary holds the generation's row lock, so changes of one
 * generation run one after the other: two "make primary" at once end with exactly one primary and the
 * generation showing it (the database also refuses any other outcome at commit).
 */
@ApplicationScoped
public class VariantService {
    private final Db db;
    private final ProjectRepository projects;
    private final GenerationRepository generations;
    private final VariantRepository variants;
    private final GenerationMedia media;
    private final StorageObjects storageObjects;
    private final ProjectsConfig config;

    public VariantService(Db db, ProjectRepository projects, GenerationRepository generations,
            VariantRepository variants, GenerationMedia media, StorageObjects storageObjects, ProjectsConfig config) {
        this.db = db;
        this.projects = projects;
        this.generations = generations;
        this.variants = variants;
        this.media = media;
        this.storageObjects = storageObjects;
        this.config = config;
    }

    /** A variant as requested: exactly one of {@code url} and {@code objectId}. */
    public record NewUserVariant(String url, UUID objectId, String thumbnailUrl, JsonNode params, String variantType,
            String name, boolean primary, boolean starred) {
    }

    /** The variant, the generation as it is after the call, and whether this call created the variant. */
    public record Created(VariantRow variant, GenerationRow generation, boolean created) {
    }

    /**
     * A page of the generation's variants, planned once; the page checks the generation's ownership
     * itself, and only an empty page asks whether the generation is the caller's at all (empty or 404).
     */
    public Uni<Page<VariantRow>> page(Caller caller, UUID generationId, VariantFilter filter, PageRequest page) {
        UUID owner = caller.requireUserId();
        return db.inPageTransaction(caller.asUser(), PageRead.IN_ORDER, connection -> variants
                .pageInOwnedGeneration(connection, generationId, owner, filter, page)
                .call(rows -> !rows.isEmpty() ? Uni.createFrom().voidItem()
                        : generations.findOwned(connection, generationId, owner).map(GenerationService::found))
                .map(rows -> Page.of(rows, page, VariantRow::createdAt, VariantRow::id))
                .chain(result -> !page.includeTotal() ? Uni.createFrom().item(result)
                        : variants.countInGeneration(connection, generationId, filter).map(result::withTotal)));
    }

    /**
     * Every variant of the project's generations, newest (or oldest) first: planned once, the ownership
     * checked by the page itself, the project looked up alone only for an empty page (empty or 404).
     */
    public Uni<Page<VariantRow>> pageInProject(Caller caller, UUID projectId, ProjectVariantFilter filter,
            PageRequest page) {
        UUID owner = caller.requireUserId();
        return db.inPageTransaction(caller.asUser(), PageRead.IN_ORDER, connection -> variants
                .pageInOwnedProject(connection, projectId, owner, filter, page)
                .call(rows -> !rows.isEmpty() ? Uni.createFrom().voidItem()
                        : projects.findOwned(connection, projectId, owner).map(ProjectService::found))
                .map(rows -> Page.of(rows, page, VariantRow::createdAt, VariantRow::id))
                .chain(result -> !page.includeTotal() ? Uni.createFrom().item(result)
                        : variants.countInProject(connection, projectId, filter).map(result::withTotal)));
    }

    /**
     * The caller's variants among {@code ids}, or showing one of {@code urls}, newest first; others are
     * simply absent (by URL at most {@link GenerationService#MAX_BATCH_BY_URL_RESULTS}).
     */
    public Uni<List<VariantRow>> batchGet(Caller caller, List<UUID> ids, List<String> urls) {
        if ((ids == null) == (urls == null)) {
            throw ProblemException.validation(List.of(new FieldError("ids", "give exactly one of ids and urls"),
                    new FieldError("urls", "give exactly one of ids and urls")));
        }
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> ids != null
                ? variants.findManyOwned(connection, me, ids.stream().distinct().toArray(UUID[]::new))
                : variants.findManyOwnedByUrl(connection, me, urls.stream().distinct().toArray(String[]::new),
                        GenerationService.MAX_BATCH_BY_URL_RESULTS));
    }

    public Uni<VariantRow> get(Caller caller, UUID generationId, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> generations
                .findOwned(connection, generationId, caller.requireUserId()).map(GenerationService::found)
                .chain(() -> variants.findInGeneration(connection, id, generationId)).map(VariantService::found));
    }

    /**
     * Adds a variant; it becomes primary (its media the generation's) when asked, or when it is the
     * generation's first. At most {@code variants-per-generation} (422 {@code quota_exceeded}).
     */
    public Uni<Created> create(Caller caller, UUID generationId, NewUserVariant input, String idempotencyKey) {
        if ((input.url() == null) == (input.objectId() == null)) {
            throw ProblemException.validation(List.of(new FieldError("url", "give exactly one of url and object_id"),
                    new FieldError("object_id", "give exactly one of url and object_id")));
        }
        if (input.url() != null) {
            Inputs.requireMediaUrl("url", input.url());
        }
        if (input.thumbnailUrl() != null) {
            Inputs.requireMediaUrl("thumbnail_url", input.thumbnailUrl());
        }
        if (VariantRow.ORIGINAL.equals(input.variantType())) {
            throw ProblemException.validation("variant_type", "original is the generation's own first variant; choose another");
        }
        Inputs.requireObjectOrAbsent("params", input.params(), config.limits().jsonDocumentBytes());
        Inputs.requirePrintable("name", input.name());
        UUID me = caller.requireUserId();
        String requestHash = idempotencyKey == null ? null : requestHash(generationId, input);
        // The generation is checked before storage-service is asked: a foreign one is a plain 404.
        Uni<String> url = input.objectId() == null ? Uni.createFrom().item(input.url())
                : db.inTransaction(caller.asUser(), connection -> generations.findOwned(connection, generationId, me))
                        .map(GenerationService::found)
                        .chain(generation -> storageObjects.usable(input.objectId(), me,
                                Set.of(StorageObjects.PUBLIC_BUCKET), generation.type() + "/"))
                        .map(object -> object.url());
        return url.chain(mediaUrl -> db.inTransaction(caller.asUser(), connection -> generations
                .lockOwned(connection, generationId, me).map(GenerationService::found)
                .chain(generation -> (idempotencyKey == null ? Uni.createFrom().<VariantRow>nullItem()
                        : variants.findByIdempotencyKey(connection, generationId, idempotencyKey))
                        .chain(earlier -> earlier != null ? Uni.createFrom().item(replayed(earlier, generation, requestHash))
                                : insert(connection, generation, input, mediaUrl, idempotencyKey, requestHash)))));
    }

    private Uni<Created> insert(SqlConnection connection, GenerationRow generation, NewUserVariant input,
            String mediaUrl, String idempotencyKey, String requestHash) {
        Quotas.requireRoom(generation.variantCount(), config.limits().variantsPerGeneration(),
                "variants per generation");
        return variants.insert(connection, new NewVariant(generation.id(), generation.projectId(), mediaUrl,
                input.thumbnailUrl(), input.objectId(), input.params(), input.variantType(), input.name(),
                input.starred(), null, idempotencyKey, requestHash))
                .chain(inserted -> {
                    if (!input.primary() && generation.hasVariants()) {
                        return generations.findInProject(connection, generation.id(), generation.projectId())
                                .map(current -> new Created(inserted, current, true));
                    }
                    return media.makePrimary(connection, generation.id(), inserted.id())
                            .chain(current -> variants.findInGeneration(connection, inserted.id(), generation.id())
                                    .map(primary -> new Created(primary, current, true)));
                });
    }

    private static Created replayed(VariantRow earlier, GenerationRow generation, String requestHash) {
        if (!Objects.equals(requestHash, earlier.requestHash())) {
            throw ProblemException.conflict(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This idempotency key was used for a different request.");
        }
        return new Created(earlier, generation, false);
    }

    static String requestHash(UUID generationId, NewUserVariant input) {
        ObjectNode request = CanonicalJson.object();
        request.put("generation_id", generationId.toString());
        request.put("url", input.url());
        request.put("object_id", Objects.toString(input.objectId(), null));
        request.put("thumbnail_url", input.thumbnailUrl());
        request.set("params", input.params());
        request.put("variant_type", input.variantType());
        request.put("name", input.name());
        request.put("is_primary", input.primary());
        request.put("starred", input.starred());
        return CanonicalJson.sha256(request);
    }

    /** A PATCH of a variant: absent fields keep their value; {@code params} is a merge patch. */
    public record Edit(Patch<String> name, Boolean starred, JsonNode paramsPatch, String variantType,
            Patch<String> thumbnailUrl) {
    }

    /** A new thumbnail of the primary variant is the generation's too (same transaction). */
    public Uni<VariantRow> update(Caller caller, UUID generationId, UUID id, Edit edit) {
        Inputs.requirePrintable("name", edit.name().value());
        Inputs.requireObjectOrAbsent("params", edit.paramsPatch(), config.limits().jsonDocumentBytes());
        if (edit.thumbnailUrl().present() && edit.thumbnailUrl().value() != null) {
            Inputs.requireMediaUrl("thumbnail_url", edit.thumbnailUrl().value());
        }
        return db.inTransaction(caller.asUser(), connection -> generations
                .lockOwned(connection, generationId, caller.requireUserId()).map(GenerationService::found)
                .chain(() -> variants.findInGeneration(connection, id, generationId)).map(VariantService::found)
                .chain(current -> {
                    if (edit.variantType() != null && !edit.variantType().equals(current.variantType())
                            && (current.isOriginal() || VariantRow.ORIGINAL.equals(edit.variantType()))) {
                        throw ProblemException.validation("variant_type", "an original stays original, and only it is");
                    }
                    JsonNode params = JsonMergePatch.apply(current.params(), edit.paramsPatch());
                    Inputs.requireObjectOrAbsent("params", params, config.limits().jsonDocumentBytes());
                    return variants.update(connection, id, generationId, edit.name().or(current.name()),
                            edit.starred() == null ? current.starred() : edit.starred(), params,
                            edit.variantType() == null ? current.variantType() : edit.variantType(),
                            edit.thumbnailUrl().or(current.thumbnailUrl()));
                })
                .chain(updated -> !updated.isPrimary() ? Uni.createFrom().item(updated)
                        : media.show(connection, generationId, updated).replaceWith(updated)));
    }

    /** Makes the variant primary: the generation shows its media from this transaction on. */
    public Uni<GenerationRow> makePrimary(Caller caller, UUID generationId, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> generations
                .lockOwned(connection, generationId, caller.requireUserId()).map(GenerationService::found)
                .chain(() -> variants.findInGeneration(connection, id, generationId)).map(VariantService::found)
                .chain(variant -> media.makePrimary(connection, generationId, variant.id())));
    }

    /** The first view counts (later ones change nothing); the variant as it is. */
    public Uni<VariantRow> markViewed(Caller caller, UUID generationId, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> generations
                .findOwned(connection, generationId, caller.requireUserId()).map(GenerationService::found)
                .chain(() -> variants.markViewed(connection, id, generationId))
                .chain(() -> variants.findInGeneration(connection, id, generationId)).map(VariantService::found));
    }

    /** Every variant of the generation counts as seen; the generation (its unviewed count is 0). */
    public Uni<GenerationRow> markAllViewed(Caller caller, UUID generationId) {
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> generations.findOwned(connection, generationId, me)
                .map(GenerationService::found)
                .chain(() -> variants.markAllViewed(connection, generationId))
                .chain(() -> generations.findOwned(connection, generationId, me)).map(GenerationService::found));
    }

    /**
     * Deletes one variant: never the primary (409: make another primary first) nor an original (409:
     * the generation's own output); its storage object is queued unless still used.
     */
    public Uni<Void> delete(Caller caller, UUID generationId, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> generations
                .lockOwned(connection, generationId, caller.requireUserId()).map(GenerationService::found)
                .chain(() -> variants.findInGeneration(connection, id, generationId)).map(VariantService::found)
                .chain(variant -> {
                    if (variant.isPrimary()) {
                        throw ProblemException.conflict(ProjectErrors.VARIANT_IS_PRIMARY,
                                "This is the generation's primary variant; make another one primary first.");
                    }
                    if (variant.isOriginal()) {
                        throw ProblemException.conflict(ProjectErrors.VARIANT_IS_ORIGINAL,
                                "The original variant is the generation's own output and stays with it.");
                    }
                    return variants.deleteQueueingObject(connection, id, generationId);
                })).replaceWithVoid();
    }

    /**
     * Back to the original: every variant but the originals goes (objects queued unless still used);
     * if the primary went, the oldest original becomes primary, and without one the generation shows
     * nothing (a placeholder again). The generation as it is after.
     */
    public Uni<GenerationRow> deleteAllButOriginals(Caller caller, UUID generationId) {
        return db.inTransaction(caller.asUser(), connection -> generations
                .lockOwned(connection, generationId, caller.requireUserId()).map(GenerationService::found)
                .chain(generation -> variants.deleteAllButOriginalsQueueingObjects(connection, generationId)
                        .chain(() -> generation.primaryVariantId() == null ? Uni.createFrom().<VariantRow>nullItem()
                                : variants.findInGeneration(connection, generation.primaryVariantId(), generationId))
                        .chain(primaryLeft -> {
                            if (primaryLeft != null || generation.primaryVariantId() == null) {
                                return generations.findInProject(connection, generationId, generation.projectId());
                            }
                            return variants.oldestOriginal(connection, generationId).chain(original -> original == null
                                    ? media.show(connection, generationId, null)
                                    : media.makePrimary(connection, generationId, original.id()));
                        })));
    }

    static VariantRow found(VariantRow row) {
        if (row == null) {
            throw ProblemException.notFound("Variant");
        }
        return row;
    }
}
