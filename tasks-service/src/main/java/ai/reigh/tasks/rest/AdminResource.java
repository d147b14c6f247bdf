package ai.reigh.tasks.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.common.time.MinuteWindow;
import ai.reigh.tasks.repository.QueueDepth;
import ai.reigh.tasks.repository.TaskHistoryRepository;
import ai.reigh.tasks.repository.WorkerRow;
import ai.reigh.tasks.service.AdminService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The operator's views (role {@code admin}): the fleet, the queue, the activity, and all of it live. */
@Path("/v1/admin")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin")
public class AdminResource {
    /** How often the overview stream sends a fresh overview: live enough for a person, cheap for the database. */
    static final Duration OVERVIEW_EVERY = Duration.ofSeconds(2);
    private static final List<String> WORKER_STATUSES = List.of("active", "inactive", "crashed", "spawning",
            "terminating", "terminated");

    private final AdminService admin;
    private final CurrentCaller caller;
    private final ObjectMapper json;

    public AdminResource(AdminService admin, CurrentCaller caller, ObjectMapper json) {
        this.admin = admin;
        this.caller = caller;
        this.json = json;
    }

    @GET
    @Path("/workers")
    @Operation(summary = "Workers, most recently heard from first",
            description = "Each with its owner kind (cloud, or personal for a local worker on a personal access token), "
                    + "health (online; stale: active but silent for longer than two heartbeat intervals; crashed; "
                    + "offline), heartbeat age, the tasks it holds and the earliest expiry of their leases. "
                    + "?status= filters by the worker's reported status; cursor pages (?limit=1..200&cursor=).")
    public Uni<Page<WorkerView>> workers(@QueryParam("status") String status, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        if (status != null && !WORKER_STATUSES.contains(status)) {
            throw ProblemException.validation("status", "must be one of " + String.join(", ", WORKER_STATUSES));
        }
        int size = PageRequest.fromQuery(limit, null).limit();
        Duration staleAfter = admin.staleAfter();
        return admin.workers(caller.get().requireUserId(), status, size, cursor)
                .map(page -> page.map(row -> WorkerView.of(row, staleAfter)));
    }

    @GET
    @Path("/queue")
    @Operation(summary = "Queue depth per status and task type (every state), live counts and the oldest queued task's age")
    public Uni<QueueView> queue() {
        return admin.queue(caller.get().requireUserId()).map(QueueView::of);
    }

    @GET
    @Path("/activity")
    @Operation(summary = "Tasks created, claimed, completed, failed and requeued per minute",
            description = "The last ?minutes=1..1440 (default 60) minutes, oldest first, every minute present.")
    public Uni<List<TaskHistoryRepository.Minute>> activity(@QueryParam("minutes") String minutes) {
        return admin.activity(caller.get().requireUserId(), MinuteWindow.fromQuery(minutes));
    }

    @GET
    @Path("/overview")
    @Operation(summary = "The queue, the fleet, the outbox and the last hour's activity, in one snapshot",
            description = "queue: live tasks per status and type, oldest queued age; fleet: workers online, stale and "
                    + "crashed in the last day; outbox: effects pending and parked; activity: the last 60 minutes.")
    public Uni<OverviewView> overview() {
        return admin.overview(caller.get().requireUserId()).map(OverviewView::of);
    }

    @GET
    @Path("/overview/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "The overview as server-sent events: an `overview` event now and every 2 seconds",
            description = "Each event's data is the JSON of GET /v1/admin/overview. The stream ends when the token "
                    + "that opened it expires; the console reconnects with a fresh one.")
    public Multi<OutboundSseEvent> overviewStream(@Context Sse sse) {
        Caller me = caller.get();
        UUID adminId = me.requireUserId();
        Instant tokenExpiresAt = me.expiresAt().orElseThrow(() -> ProblemException.unauthorized(
                "A stream needs a token that expires; sign in again."));
        Duration lifetime = Duration.between(Instant.now(), tokenExpiresAt);
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw ProblemException.unauthorized("The token has expired; reconnect with a fresh one.");
        }
        // One overview at a time: a slow database drops ticks rather than queueing reads behind each other.
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(OVERVIEW_EVERY).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> admin.overview(adminId))
                .map(overview -> sse.newEventBuilder().name("overview").mediaType(MediaType.TEXT_PLAIN_TYPE)
                        .data(String.class, write(OverviewView.of(overview))).build())
                .select().first(lifetime);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an overview is always serialisable", e);
        }
    }

    public record WorkerView(String id, UUID userId, String ownerKind, String status, String health,
            String currentModel, Integer vramTotalMb, Integer vramUsedMb, Instant lastHeartbeat,
            double heartbeatAgeSeconds, long tasksInProgress, Instant nextLeaseExpiresAt, Instant createdAt) {

        static WorkerView of(WorkerRow row, Duration staleAfter) {
            return new WorkerView(row.id(), row.userId(), row.userId() == null ? "cloud" : "personal", row.status(),
                    health(row, staleAfter), row.currentModel(), row.vramTotalMb(), row.vramUsedMb(),
                    row.lastHeartbeat(), row.heartbeatAgeSeconds(), row.tasksInProgress(), row.nextLeaseExpiresAt(),
                    row.createdAt());
        }

        private static String health(WorkerRow row, Duration staleAfter) {
            return switch (row.status()) {
                case "active" -> row.heartbeatAgeSeconds() > staleAfter.toMillis() / 1000.0 ? "stale" : "online";
                case "crashed" -> "crashed";
                default -> "offline";
            };
        }
    }

    public record QueueView(long queued, long inProgress, double oldestQueuedAgeSeconds, List<QueueDepth.Bucket> byStatusAndType) {
        static QueueView of(QueueDepth depth) {
            return new QueueView(depth.queued(), depth.inProgress(), depth.oldestQueuedAgeSeconds(),
                    depth.byStatusAndType());
        }
    }

    public record FleetView(long online, long stale, long crashedToday, double staleAfterSeconds) {
    }

    public record OutboxBacklogView(long pending, double lagSeconds, long parkedGenerations, long parkedCharges) {
    }

    public record OverviewView(QueueView queue, FleetView fleet, OutboxBacklogView outbox,
            List<TaskHistoryRepository.Minute> activity) {
        static OverviewView of(AdminService.Overview overview) {
            return new OverviewView(QueueView.of(overview.queue()),
                    new FleetView(overview.fleet().online(), overview.fleet().stale(), overview.fleet().crashedToday(),
                            overview.staleAfter().toMillis() / 1000.0),
                    new OutboxBacklogView(overview.outbox().pending(), overview.outbox().lagSeconds(),
                            overview.outbox().parkedGenerations(), overview.outbox().parkedCharges()),
                    overview.activity());
        }
    }
}
