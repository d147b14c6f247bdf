package ai.reigh.projects.service;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.PgErrors;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.CanonicalJson;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.GenerationFilter;
import ai.reigh.projects.repository.GenerationRepository;
import ai.reigh.projects.repository.GenerationRepository.GenerationChange;
import ai.reigh.projects.repository.GenerationRepository.NewGeneration;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ProjectRepository;
import ai.reigh.projects.repository.VariantRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Generations a user sees and manages: uploads (from a URL, a ready object of theirs in the
 * {@code public} bucket, or none: a placeholder), the filtered list of the Generations pane with exact
 * totals, batch reads, edits of their fields (lineage, segments, media), delete. An upload with media
 * gets its {@code original} variant, primary, in the same statement. The generations of tasks
 * arrive through {@link TaskGenerationService}; variants through {@link VariantService}.
 */
@ApplicationScoped
public class GenerationService {
    /** Ids (or URLs) one batch read may name: a page's worth. */
    public static final int MAX_BATCH = PageRequest.MAX_LIMIT;
    /** Generations a batch read by URL may answer (several may share a URL). */
    public static final int MAX_BATCH_BY_URL_RESULTS = 1000;

    private final Db db;
    private final ProjectRepository projects;
    private final GenerationRepository generations;
    private final VariantRepository variants;
    private final StorageObjects storageObjects;
    private final ProjectsConfig config;

    public GenerationService(Db db, ProjectRepository projects, GenerationRepository generations,
            VariantRepository variants, StorageObjects storageObjects, ProjectsConfig config) {
        this.db = db;
        this.projects = projects;
        this.generations = generations;
        this.variants = variants;
        this.storageObjects = storageObjects;
        this.config = config;
    }

    /** An upload as requested (at most one of {@code url} and {@code objectId}; neither: a placeholder). */
    public record Upload(String type, String url, UUID objectId, String thumbnailUrl, JsonNode params,
            JsonNode metadata, String name, UUID basedOn, UUID parentGenerationId, Integer childOrder,
            UUID pairShotGenerationId) {
    }

    /** The row and whether this call created it (201) or replayed an earlier one (200). */
    public record Created(GenerationRow generation, boolean created) {
    }

    public Uni<Created> upload(Caller caller, UUID projectId, Upload upload, String idempotencyKey) {
        if (upload.url() != null && upload.objectId() != null) {
            throw ProblemException.validation(List.of(new FieldError("url", "give at most one of url and object_id"),
                    new FieldError("object_id", "give at most one of url and object_id")));
        }
        if (upload.url() != null) {
            Inputs.requireMediaUrl("url", upload.url());
        }
        if (upload.thumbnailUrl() != null) {
            Inputs.requireMediaUrl("thumbnail_url", upload.thumbnailUrl());
        }
        Inputs.requireObjectOrAbsent("params", upload.params(), config.limits().jsonDocumentBytes());
        Inputs.requireObjectOrAbsent("metadata", upload.metadata(), config.limits().jsonDocumentBytes());
        Inputs.requirePrintable("name", upload.name());
        String requestHash = idempotencyKey == null ? null : requestHash(projectId, upload);
        UUID me = caller.requireUserId();
        // The project is checked before storage-service is asked, so a foreign project is a plain 404.
        Uni<String> url = upload.objectId() == null ? Uni.createFrom().item(upload.url())
                : db.inTransaction(caller.asUser(), connection -> projects.findOwned(connection, projectId, me))
                        .map(ProjectService::found)
                        .chain(() -> storageObjects.usable(upload.objectId(), me, Set.of(StorageObjects.PUBLIC_BUCKET),
                                upload.type() + "/"))
                        .map(object -> object.url());
        return url.chain(mediaUrl -> db.inTransaction(caller.asUser(), connection -> projects
                .findOwned(connection, projectId, me).map(ProjectService::found)
                .chain(() -> checkRelations(connection, projectId, me, null, upload.basedOn(),
                        upload.parentGenerationId(), upload.pairShotGenerationId()))
                // The upload's media becomes its original variant, primary, in the same statement.
                .chain(() -> generations.insertUploadWithOriginal(connection, me, new NewGeneration(projectId, upload.type(),
                        mediaUrl, upload.thumbnailUrl(), upload.objectId(), upload.params(), upload.metadata(),
                        upload.name(), upload.basedOn(), upload.parentGenerationId(), upload.childOrder(),
                        upload.pairShotGenerationId(), idempotencyKey, requestHash)))
                .chain(inserted -> inserted == null
                        ? replay(connection, projectId, idempotencyKey, requestHash)
                        : Uni.createFrom().item(new Created(inserted, true)))))
                .onFailure(GenerationService::isRelationGone).transform(failure -> ProblemException.notFound("Generation"));
    }

    private Uni<Created> replay(SqlConnection connection, UUID projectId, String idempotencyKey, String requestHash) {
        if (idempotencyKey == null) {
            throw ProblemException.notFound("Project");
        }
        return generations.findByIdempotencyKey(connection, projectId, idempotencyKey).map(found -> {
            if (found == null) {
                // The row holding the key was deleted between the insert and this read: try again.
                throw ProblemException.unavailable("The generation could not be created; retry.");
            }
            if (!requestHash.equals(found.requestHash())) {
                throw ProblemException.conflict(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "This idempotency key was used for a different request.");
            }
            return new Created(found, false);
        });
    }

    static String requestHash(UUID projectId, Upload upload) {
        ObjectNode request = CanonicalJson.object();
        request.put("project_id", projectId.toString());
        request.put("type", upload.type());
        request.put("url", upload.url());
        request.put("object_id", Objects.toString(upload.objectId(), null));
        request.put("thumbnail_url", upload.thumbnailUrl());
        request.set("params", upload.params());
        request.set("metadata", upload.metadata());
        request.put("name", upload.name());
        request.put("based_on", Objects.toString(upload.basedOn(), null));
        request.put("parent_generation_id", Objects.toString(upload.parentGenerationId(), null));
        request.put("child_order", upload.childOrder());
        request.put("pair_shot_generation_id", Objects.toString(upload.pairShotGenerationId(), null));
        return CanonicalJson.sha256(request);
    }

    /**
     * Lineage, parent and pair must be of the generation's project: a generation that is not the
     * caller's is a 404 (its existence is not revealed), one of their other projects a 422.
     */
    Uni<Void> checkRelations(SqlConnection connection, UUID projectId, UUID me, UUID self, UUID basedOn,
            UUID parentGenerationId, UUID pairShotGenerationId) {
        if (self != null && (self.equals(basedOn) || self.equals(parentGenerationId))) {
            throw ProblemException.validation(self.equals(basedOn) ? "based_on" : "parent_generation_id",
                    "must be another generation");
        }
        Uni<Void> checks = Uni.createFrom().voidItem();
        for (UUID related : new UUID[] { basedOn, parentGenerationId }) {
            if (related != null) {
                checks = checks.chain(() -> generations.findOwned(connection, related, me).map(GenerationService::found)
                        .invoke(found -> requireSameProject(found, projectId)).replaceWithVoid());
            }
        }
        if (pairShotGenerationId != null) {
            checks = checks.chain(() -> generations.isShotLinkInProject(connection, pairShotGenerationId, projectId)
                    .invoke(inProject -> {
                        if (!inProject) {
                            throw ProblemException.notFound("Shot generation");
                        }
                    }).replaceWithVoid());
        }
        return checks;
    }

    private static void requireSameProject(GenerationRow related, UUID projectId) {
        if (!related.projectId().equals(projectId)) {
            throw ProblemException.unprocessable(ProjectErrors.GENERATION_NOT_IN_PROJECT,
                    "The related generation belongs to another project.");
        }
    }

    /** A lineage, parent or pair row deleted between the check and the write. */
    private static boolean isRelationGone(Throwable failure) {
        return PgErrors.isForeignKeyViolation(failure, GenerationRepository.BASED_ON_FOREIGN_KEY)
                || PgErrors.isForeignKeyViolation(failure, GenerationRepository.PARENT_FOREIGN_KEY)
                || PgErrors.isForeignKeyViolation(failure, GenerationRepository.PAIR_FOREIGN_KEY);
    }

    /**
     * A page of the project's generations, read as a page ({@link Db#inPageTransaction}: planned once;
     * walking the project's index in the page's order whatever the values, or fetching the few rows a
     * shot, a parent, … names and sorting them: {@link GenerationFilter#pageRead}), except for a prompt
     * search: whether the trigram index or that walk is faster depends on the pattern, so it is planned
     * per call. The page checks the project's ownership itself; only an empty page asks whether the
     * project is the caller's at all (an empty page, or a 404).
     */
    public Uni<Page<GenerationRow>> page(Caller caller, UUID projectId, GenerationFilter filter, PageRequest page) {
        UUID owner = caller.requireUserId();
        Function<SqlConnection, Uni<Page<GenerationRow>>> work = connection -> generations
                .pageInOwnedProject(connection, projectId, owner, filter, page)
                .call(rows -> !rows.isEmpty() ? Uni.createFrom().voidItem()
                        : projects.findOwned(connection, projectId, owner).map(ProjectService::found))
                .map(rows -> Page.of(rows, page, GenerationRow::createdAt, GenerationRow::id))
                .chain(result -> !page.includeTotal() ? Uni.createFrom().item(result)
                        : generations.countInProject(connection, projectId, filter).map(result::withTotal));
        return filter.promptPattern() == null ? db.inPageTransaction(caller.asUser(), filter.pageRead(), work)
                : db.inTransaction(caller.asUser(), work);
    }

    public Uni<GenerationRow> get(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(),
                connection -> generations.findOwned(connection, id, caller.requireUserId()))
                .map(GenerationService::found);
    }

    /**
     * The caller's generations among {@code ids}, or those showing one of {@code urls}: newest first;
     * ids that are not the caller's are simply absent (nothing tells them from unknown ones).
     */
    public Uni<List<GenerationRow>> batchGet(Caller caller, List<UUID> ids, List<String> urls) {
        if ((ids == null) == (urls == null)) {
            throw ProblemException.validation(List.of(new FieldError("ids", "give exactly one of ids and urls"),
                    new FieldError("urls", "give exactly one of ids and urls")));
        }
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> ids != null
                ? generations.findManyOwned(connection, me, ids.stream().distinct().toArray(UUID[]::new))
                : generations.findManyOwnedByUrl(connection, me, urls.stream().distinct().toArray(String[]::new),
                        MAX_BATCH_BY_URL_RESULTS));
    }

    /** A PATCH: absent fields keep their value; {@code metadata} and {@code params} are merge patches. */
    public record Edit(String name, Boolean starred, JsonNode metadataPatch, JsonNode paramsPatch, Patch<String> url,
            Patch<String> thumbnailUrl, Patch<UUID> basedOn, Patch<UUID> parentGenerationId, Patch<Integer> childOrder,
            Patch<UUID> pairShotGenerationId) {
    }

    /**
     * A new {@code url} or {@code thumbnail_url} of a generation with variants is its primary variant's
     * too (same transaction); clearing the url of such a generation is a 409 (its variants are media).
     */
    public Uni<GenerationRow> update(Caller caller, UUID id, Edit edit) {
        Inputs.requirePrintable("name", edit.name());
        Inputs.requireObjectOrAbsent("metadata", edit.metadataPatch(), config.limits().jsonDocumentBytes());
        Inputs.requireObjectOrAbsent("params", edit.paramsPatch(), config.limits().jsonDocumentBytes());
        if (edit.url().present() && edit.url().value() != null) {
            Inputs.requireMediaUrl("url", edit.url().value());
        }
        if (edit.thumbnailUrl().present() && edit.thumbnailUrl().value() != null) {
            Inputs.requireMediaUrl("thumbnail_url", edit.thumbnailUrl().value());
        }
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> generations.lockOwned(connection, id, me)
                .map(GenerationService::found)
                .chain(current -> {
                    JsonNode metadata = JsonMergePatch.apply(current.metadata(), edit.metadataPatch());
                    Inputs.requireObjectOrAbsent("metadata", metadata, config.limits().jsonDocumentBytes());
                    JsonNode params = JsonMergePatch.apply(current.params(), edit.paramsPatch());
                    Inputs.requireObjectOrAbsent("params", params, config.limits().jsonDocumentBytes());
                    GenerationChange change = new GenerationChange(edit.name() == null ? current.name() : edit.name(),
                            edit.starred() == null ? current.starred() : edit.starred(), metadata, params,
                            edit.url().or(current.url()), edit.thumbnailUrl().or(current.thumbnailUrl()),
                            edit.basedOn().or(current.basedOn()),
                            edit.parentGenerationId().or(current.parentGenerationId()),
                            edit.childOrder().or(current.childOrder()),
                            edit.pairShotGenerationId().or(current.pairShotGenerationId()));
                    return checkRelations(connection, current.projectId(), me, id,
                            changed(edit.basedOn(), current.basedOn()),
                            changed(edit.parentGenerationId(), current.parentGenerationId()),
                            changed(edit.pairShotGenerationId(), current.pairShotGenerationId()))
                            .chain(() -> followedByPrimary(connection, current, change))
                            .chain(() -> generations.update(connection, id, change));
                }))
                .onFailure(GenerationService::isRelationGone).transform(failure -> ProblemException.notFound("Generation"));
    }

    /** The new value of a relation when the PATCH changes it (only then is it checked again). */
    private static <T> T changed(Patch<T> patch, T current) {
        return patch.present() && !Objects.equals(patch.value(), current) ? patch.value() : null;
    }

    private Uni<Void> followedByPrimary(SqlConnection connection, GenerationRow current, GenerationChange change) {
        boolean mediaChanged = !Objects.equals(change.url(), current.url())
                || !Objects.equals(change.thumbnailUrl(), current.thumbnailUrl());
        if (!mediaChanged || current.primaryVariantId() == null) {
            return Uni.createFrom().voidItem();
        }
        if (change.url() == null) {
            throw ProblemException.conflict(ProjectErrors.GENERATION_HAS_VARIANTS,
                    "This generation has variants; remove them (DELETE …/variants) to clear its media.");
        }
        return variants.setMedia(connection, current.primaryVariantId(), change.url(), change.thumbnailUrl())
                .replaceWithVoid();
    }

    /**
     * Its segments (children) and every variant go with it; the storage objects they referenced are
     * queued for deletion unless still used elsewhere.
     */
    public Uni<Void> delete(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(),
                connection -> generations.deleteQueueingObjects(connection, id, caller.requireUserId()))
                .invoke(outcome -> {
                    if (!outcome.found()) {
                        throw ProblemException.notFound("Generation");
                    }
                }).replaceWithVoid();
    }

    static GenerationRow found(GenerationRow row) {
        if (row == null) {
            throw ProblemException.notFound("Generation");
        }
        return row;
    }
}
