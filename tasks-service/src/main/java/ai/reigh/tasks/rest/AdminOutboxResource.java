package ai.reigh.tasks.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.auth.CurrentCaller;
import ai.reigh.common.auth.Roles;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.common.page.PageRequest;
import ai.reigh.tasks.repository.OutboxEntry;
import ai.reigh.tasks.repository.OutboxRow;
import ai.reigh.tasks.service.OutboxAdmin;
import io.smallrye.mutiny.Uni;

/** The completion outbox for operators (role {@code admin}): parked rows, and their replay. */
@Path("/v1/admin/outbox")
@RolesAllowed(Roles.ADMIN)
@Tag(name = "admin")
public class AdminOutboxResource {
    private static final List<String> STATES = List.of(OutboxEntry.PARKED, OutboxEntry.PENDING);

    private final OutboxAdmin outbox;
    private final CurrentCaller caller;

    public AdminOutboxResource(OutboxAdmin outbox, CurrentCaller caller) {
        this.outbox = outbox;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Outbox rows: parked (refused by their receiver, waiting for a replay) or pending",
            description = "state=parked (default) or pending; kind=generation|charge (default all); newest first, "
                    + "?limit=1..200&cursor=. Each row has its payload, attempts, last_error and its replays.")
    public Uni<Page<OutboxView>> list(@QueryParam("state") String state, @QueryParam("kind") String kind,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        String listed = state == null || state.isEmpty() ? OutboxEntry.PARKED : state;
        if (!STATES.contains(listed)) {
            throw ProblemException.validation("state", "must be one of " + String.join(", ", STATES));
        }
        String ofKind = kind == null || kind.isEmpty() ? null : kind;
        if (ofKind != null && !OutboxRow.KINDS.contains(ofKind)) {
            throw ProblemException.validation("kind", "must be one of " + String.join(", ", OutboxRow.KINDS));
        }
        int size = PageRequest.fromQuery(limit, null).limit();
        return outbox.list(caller.get().requireUserId(), listed.equals(OutboxEntry.PARKED), ofKind, size, cursor)
                .map(page -> new Page<>(page.items().stream().map(OutboxView::of).toList(), page.nextCursor()));
    }

    @POST
    @Path("/{id}/replay")
    @Operation(summary = "Replay a parked outbox row: due again now, attempts kept, the replay recorded on the row",
            description = "200 with the row (state pending). A row that is not parked (pending, delivered, or "
                    + "replayed already, e.g. by a concurrent call) is 409 not_parked and nothing changes; "
                    + "an unknown row 404. The receivers are idempotent on task_id: a replay never charges twice.")
    public Uni<OutboxView> replay(@PathParam("id") String id) {
        return outbox.replay(caller.get().requireUserId(), rowNumber(id)).map(OutboxView::of);
    }

    /** Outbox rows are numbered: anything else names no row (404, like a malformed UUID elsewhere). */
    private static long rowNumber(String id) {
        if (id == null || !OutboxAdmin.isRowNumber(id)) {
            throw ProblemException.notFound("Outbox row");
        }
        return Long.parseLong(id);
    }

    public record OutboxView(long id, UUID taskId, String kind, String state, JsonNode payload, int attempts,
            String lastError, Instant createdAt, Instant nextAttemptAt, Instant parkedAt, Instant deliveredAt,
            Instant replayedAt, UUID replayedBy, int replays) {
        static OutboxView of(OutboxEntry entry) {
            return new OutboxView(entry.id(), entry.taskId(), entry.kind(), entry.state(), entry.payload(),
                    entry.attempts(), entry.lastError(), entry.createdAt(), entry.nextAttemptAt(), entry.parkedAt(),
                    entry.deliveredAt(), entry.replayedAt(), entry.replayedBy(), entry.replays());
        }
    }
}
