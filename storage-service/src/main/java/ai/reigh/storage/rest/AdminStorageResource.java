package ai.reigh.storage.rest;

import java.util.List;
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
import ai.reigh.storage.config.StorageConfig;
import ai.reigh.storage.repository.StorageUsageRepository.BucketUsage;
import ai.reigh.storage.repository.StorageUsageRepository.UserUsage;
import ai.reigh.storage.service.OperatorStorage;
import io.smallrye.mutiny.Uni;

/** What is stored, for the operator console (role {@code admin}). */
@Path("/v1/admin/storage")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin")
public class AdminStorageResource {
    private final OperatorStorage storage;
    private final CurrentCaller caller;
    private final long quotaBytes;

    public AdminStorageResource(OperatorStorage storage, CurrentCaller caller, StorageConfig config) {
        this.storage = storage;
        this.caller = caller;
        this.quotaBytes = config.userQuotaBytes();
    }

    @GET
    @Path("/buckets")
    @Operation(summary = "Every bucket with its ready objects (count, bytes) and pending uploads")
    public Uni<BucketsView> buckets() {
        return storage.buckets(caller.get().requireUserId()).map(BucketsView::new);
    }

    @GET
    @Path("/usage")
    @Operation(summary = "Users by bytes of ready objects, biggest first, with the quota the uploads enforce",
            description = "Cursor pages (?limit=1..200&cursor=).")
    public Uni<Page<UsageView>> usage(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int size = PageRequest.fromQuery(limit, null).limit();
        return storage.users(caller.get().requireUserId(), size, cursor).map(page -> page.map(this::view));
    }

    @GET
    @Path("/usage/{user_id}")
    @Operation(summary = "One user's ready objects and bytes against the quota (zeros for a user with none)")
    public Uni<UsageView> usageOf(@PathParam("user_id") UUID userId) {
        return storage.user(caller.get().requireUserId(), userId).map(this::view);
    }

    private UsageView view(UserUsage usage) {
        return new UsageView(usage.userId(), usage.objects(), usage.bytes(), quotaBytes);
    }

    public record BucketsView(List<BucketUsage> buckets) {
    }

    public record UsageView(UUID userId, long objects, long bytes, long quotaBytes) {
    }
}
