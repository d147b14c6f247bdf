package ai.reigh.tasks.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.tasks.repository.QueueDepth;
import ai.reigh.tasks.service.AdminService;
import io.smallrye.mutiny.Uni;

/** The operator's views (role {@code admin}). */
@Path("/v1/admin")
@RolesAllowed(Roles.ADMIN)
public class AdminResource {
    private static final List<String> WORKER_STATUSES = List.of("active", "inactive", "crashed", "spawning",
            "terminating", "terminated");

    private final AdminService admin;
    private final CurrentCaller caller;

    public AdminResource(AdminService admin, CurrentCaller caller) {
        this.admin = admin;
        this.caller = caller;
    }

    /** Workers, most recently heard from first, with heartbeat age and tasks in progress. */
    @GET
    @Path("/workers")
    public Uni<Page<WorkerView>> workers(@QueryParam("status") String status, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        if (status != null && !WORKER_STATUSES.contains(status)) {
            throw ProblemException.validation("status", "must be one of " + String.join(", ", WORKER_STATUSES));
        }
        int size = PageRequest.fromQuery(limit, null).limit();
        return admin.workers(caller.get().requireUserId(), status, size, cursor)
                .map(page -> new Page<>(page.items().stream().map(row -> new WorkerView(row.id(), row.userId(),
                        row.status(), row.currentModel(), row.vramTotalMb(), row.vramUsedMb(), row.lastHeartbeat(),
                        row.heartbeatAgeSeconds(), row.tasksInProgress(), row.createdAt())).toList(), page.nextCursor()));
    }

    /** Queue depth per status and task type, live counts and the oldest queued task's age. */
    @GET
    @Path("/queue")
    public Uni<QueueView> queue() {
        return admin.queue(caller.get().requireUserId()).map(QueueView::of);
    }

    public record WorkerView(String id, UUID userId, String status, String currentModel, Integer vramTotalMb,
            Integer vramUsedMb, Instant lastHeartbeat, double heartbeatAgeSeconds, long tasksInProgress,
            Instant createdAt) {
    }

    public record QueueView(long queued, long inProgress, double oldestQueuedAgeSeconds, List<QueueDepth.Bucket> byStatusAndType) {
        static QueueView of(QueueDepth depth) {
            return new QueueView(depth.queued(), depth.inProgress(), depth.oldestQueuedAgeSeconds(),
                    depth.byStatusAndType());
        }
    }
}
