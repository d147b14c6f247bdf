package ai.reigh.projects.service;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.FieldError;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.JsonMergePatch;
import ai.reigh.common.net.FetchableUrls;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.projects.config.ProjectsConfig;
import ai.reigh.projects.repository.QuotaLock;
import ai.reigh.projects.repository.ResourceRepository;
import ai.reigh.projects.repository.ResourceRow;
import ai.reigh.projects.repository.UserRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Resources (LoRA models and other reusable inputs). The owner reads and writes them; public ones are
 * readable by every signed-in user, and writing someone else's public resource is a 403 (it is
 * visible, so a 404 would be a lie); any other foreign resource is a 404.
 */
@ApplicationScoped
public class ResourceService {
    /** Buckets whose objects have stable public URLs: a resource is used by URL in task params. */
    static final Set<String> RESOURCE_BUCKETS = Set.of(StorageObjects.LORA_BUCKET, StorageObjects.PUBLIC_BUCKET);

    /** Ids per batch read. */
    public static final int MAX_BATCH = 200;

    public enum Scope {
        MINE, PUBLIC
    }

    public record Patch(String type, String name, JsonNode metadata, Boolean isPublic) {
    }

    private final Db db;
    private final UserRepository users;
    private final ResourceRepository resources;
    private final QuotaLock quotas;
    private final StorageObjects storageObjects;
    private final ProjectsConfig config;

    public ResourceService(Db db, UserRepository users, ResourceRepository resources, QuotaLock quotas,
            StorageObjects storageObjects, ProjectsConfig config) {
        this.db = db;
        this.users = users;
        this.resources = resources;
        this.quotas = quotas;
        this.storageObjects = storageObjects;
        this.config = config;
    }

    /**
     * A resource with at most one file: a {@code url} (http(s), not into a private network: workers
     * fetch it) or a ready {@code object_id} of the caller; none makes a preset (its metadata is all
     * there is). The name is optional (the web app keeps it in metadata).
     */
    public Uni<ResourceRow> create(Caller caller, String type, String name, String url, UUID objectId,
            JsonNode metadata, boolean isPublic) {
        if (url != null && objectId != null) {
            throw ProblemException.validation(List.of(new FieldError("url", "give at most one of url and object_id"),
                    new FieldError("object_id", "give at most one of url and object_id")));
        }
        if (url != null) {
            Inputs.requireMediaUrl("url", url);
            String refused = FetchableUrls.problemOf(url);
            if (refused != null) {
                throw ProblemException.validation("url", refused);
            }
        }
        Inputs.requirePrintable("name", name);
        Inputs.requireObjectOrAbsent("metadata", metadata, config.limits().jsonDocumentBytes());
        UUID me = caller.requireUserId();
        Uni<String> resolvedUrl = objectId == null ? Uni.createFrom().item(url)
                : storageObjects.usable(objectId, me, RESOURCE_BUCKETS, null).map(object -> object.url());
        return resolvedUrl.chain(finalUrl -> db.inTransaction(caller.asUser(), connection -> users
                .ensure(connection, me, caller.email().orElse(null))
                .chain(() -> quotas.lock(connection, QuotaLock.RESOURCES, me))
                .chain(() -> resources.countOwned(connection, me))
                .invoke(count -> Quotas.requireRoom(count, config.limits().resourcesPerUser(), "resources"))
                .chain(() -> resources.insert(connection, me, type, name, finalUrl, objectId, metadata, isPublic))));
    }

    /** The visible ones among {@code ids} (the caller's and public ones), in the order asked; others are absent. */
    public Uni<List<ResourceRow>> batchGet(Caller caller, List<UUID> ids) {
        UUID me = caller.requireUserId();
        List<UUID> distinct = ids.stream().distinct().toList();
        return db.inTransaction(caller.asUser(), connection -> resources.findVisible(connection, distinct, me))
                .map(rows -> {
                    Map<UUID, ResourceRow> byId = new HashMap<>();
                    rows.forEach(row -> byId.put(row.id(), row));
                    return distinct.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
                });
    }

    public Uni<Page<ResourceRow>> page(Caller caller, Scope scope, String type, PageRequest page) {
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> scope == Scope.PUBLIC
                ? resources.pagePublic(connection, type, page)
                : resources.pageOwned(connection, me, type, page))
                .map(rows -> Page.of(rows, page, ResourceRow::createdAt, ResourceRow::id));
    }

    public Uni<ResourceRow> get(Caller caller, UUID id) {
        return db.inTransaction(caller.asUser(), connection -> resources.findVisible(connection, id, caller.requireUserId()))
                .map(ResourceService::found);
    }

    /** Absent fields keep their value; {@code metadata} is a JSON merge patch. */
    public Uni<ResourceRow> update(Caller caller, UUID id, Patch patch) {
        Inputs.requirePrintable("name", patch.name());
        Inputs.requireObjectOrAbsent("metadata", patch.metadata(), config.limits().jsonDocumentBytes());
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> requireOwnedForWrite(connection, id, me)
                .chain(() -> resources.lockOwned(connection, id, me)).map(ResourceService::found)
                .chain(current -> {
                    JsonNode metadata = JsonMergePatch.apply(current.metadata(), patch.metadata());
                    Inputs.requireObjectOrAbsent("metadata", metadata, config.limits().jsonDocumentBytes());
                    return resources.update(connection, id, me, patch.type() == null ? current.type() : patch.type(),
                            patch.name() == null ? current.name() : patch.name(), metadata,
                            patch.isPublic() == null ? current.isPublic() : patch.isPublic());
                }));
    }

    /** Its storage object, if any, is queued for deletion unless still used elsewhere. */
    public Uni<Void> delete(Caller caller, UUID id) {
        UUID me = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> requireOwnedForWrite(connection, id, me)
                .chain(() -> resources.deleteQueueingObject(connection, id, me)))
                .invoke(outcome -> {
                    if (!outcome.found()) {
                        throw ProblemException.notFound("Resource");
                    }
                }).replaceWithVoid();
    }

    private Uni<ResourceRow> requireOwnedForWrite(SqlConnection connection, UUID id, UUID me) {
        return resources.findVisible(connection, id, me).map(ResourceService::found).invoke(visible -> {
            if (!visible.userId().equals(me)) {
                throw ProblemException.forbidden("Only the owner may change or delete this resource.");
            }
        });
    }

    static ResourceRow found(ResourceRow row) {
        if (row == null) {
            throw ProblemException.notFound("Resource");
        }
        return row;
    }
}
