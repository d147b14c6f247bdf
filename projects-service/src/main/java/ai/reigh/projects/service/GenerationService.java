package ai.reigh.projects.service;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.GenerationFilter;
import ai.reigh.projects.repository.GenerationRepository;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ProjectRepository;
import io.smallrye.mutiny.Uni;

/**
 * Generations a user sees and manages: uploads (from a URL, or from a ready object of theirs in the
 * {@code public} bucket), the filtered list of the Generations pane, name/star/metadata, delete.
 * The generations of tasks arrive through {@link TaskGenerationService}.
 */
@ApplicationScoped
public class GenerationService {
    private final Db db;
    private final ProjectRepository projects;
    private final GenerationRepository generations;
    private final StorageObjects storageObjects;
    private final ProjectsConfig config;

    public GenerationService(Db db, ProjectRepository projects, GenerationRepository generations,
            StorageObjects storageObjects, ProjectsConfig config) {
        this.db = db;
        this.projects = projects;
        this.generations = generations;
        this.storageObjects = storageObjects;
        this.config = config;
    }

    /** Exactly one of {@code url} and {@code objectId}; with an object its URL becomes the row's. */
    public Uni<GenerationRow> upload(Caller caller, UUID projectId, String type, String url, UUID objectId,
            JsonNode metadata) {
        if ((url == null) == (objectId == null)) {
            throw ProblemException.validation(List.of(new FieldError("url", "give exactly one of url and object_id"),
                    new FieldError("object_id", "give exactly one of url and object_id")));
        }
        if (url != null) {
            Inputs.requireMediaUrl("url", url);
        }
        Inputs.requireObjectOrAbsent("metadata", metadata, config.limits().jsonDocumentBytes());
        UUID me = caller.requireUserId();
        if (objectId == null) {
            return insertUpload(caller, projectId, type, url, null, metadata);
        }
        // The project is checked before storage-service is asked, so a foreign project is a plain 404.
        return db.inTransaction(caller.asUser(), connection -> projects.findOwned(connection, projectId, me))
                .map(ProjectService::found)
                .chain(() -> storageObjects.usable(objectId, me, Set.of(StorageObjects.PUBLIC_BUCKET), type + "/"))
                .chain(object -> insertUpload(caller, projectId, type, object.url(), objectId, metadata));
    }

    private Uni<GenerationRow> insertUpload(Caller caller, UUID projectId, String type, String url, UUID objectId,
            JsonNode metadata) {
        return db.inTransaction(caller.asUser(), connection -> generations.insertUpload(connection, projectId,
                caller.requireUserId(), type, url, objectId, metadata))
                .map(row -> {
                    if (row == null) {
                        throw ProblemException.notFound("Project");
                    }
                    return row;
                });
    }

    public Uni<Page<GenerationRow>> page(Caller caller, UUID projectId, GenerationFilter filter, PageRequest page) {
        return db.inTransaction(caller.asUser(), connection -> projects
                .findOwned(connection, projectId, caller.requireUserId()).map(ProjectService::found)
                .chain(() -> generations.pageInProject(connection, projectId, filter, page)))
                .map(rows -> Page.of(rows, page, GenerationRow::createdAt, GenerationRow::id));
    }

    public Uni<GenerationRow> get(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(),
                connection -> generations.findOwned(connection, id, caller.requireUserId()))
                .map(GenerationService::found);
    }

    /** Absent fields keep their value; {@code metadataPatch} is a JSON merge patch. */
    public Uni<GenerationRow> update(Caller caller, UUID id, String name, Boolean starred, JsonNode metadataPatch) {
        Inputs.requirePrintable("name", name);
        Inputs.requireObjectOrAbsent("metadata", metadataPatch, config.limits().jsonDocumentBytes());
        return db.inTransaction(caller.asUser(), connection -> generations
                .lockOwned(connection, id, caller.requireUserId()).map(GenerationService::found)
                .chain(current -> {
                    JsonNode metadata = JsonMergePatch.apply(current.metadata(), metadataPatch);
                    Inputs.requireObjectOrAbsent("metadata", metadata, config.limits().jsonDocumentBytes());
                    return generations.update(connection, id, name == null ? current.name() : name,
                            starred == null ? current.starred() : starred, metadata);
                }));
    }

    /** Its shot links go with it; its storage object is queued for deletion unless still used. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(),
                connection -> generations.deleteQueueingObject(connection, id, caller.requireUserId()))
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
