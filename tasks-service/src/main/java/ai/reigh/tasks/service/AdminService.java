package ai.reigh.tasks.service;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.tasks.repository.QueueDepth;
import ai.reigh.tasks.repository.QueueRepository;
import ai.reigh.tasks.repository.WorkerRepository;
import ai.reigh.tasks.repository.WorkerRow;
import io.smallrye.mutiny.Uni;

/** The operator's views: workers with their heartbeat age, and the queue. */
@ApplicationScoped
public class AdminService {
    private final Db db;
    private final WorkerRepository workers;
    private final QueueRepository queue;

    public AdminService(Db db, WorkerRepository workers, QueueRepository queue) {
        this.db = db;
        this.workers = workers;
        this.queue = queue;
    }

    /** Workers, most recently heard from first; the cursor is (last_heartbeat, worker id, its owner). */
    public Uni<Page<WorkerRow>> workers(UUID adminId, String status, int limit, String cursor) {
        WorkerCursor after = cursor == null || cursor.isEmpty() ? null : WorkerCursor.decode(cursor);
        return db.inTransaction(Actor.admin(adminId), connection -> workers.list(connection, status,
                after == null ? null : after.lastHeartbeat(), after == null ? null : after.workerId(),
                after == null ? null : after.ownerId(), limit + 1))
                .map(rows -> {
                    if (rows.size() <= limit) {
                        return new Page<>(rows, null);
                    }
                    var items = rows.subList(0, limit);
                    WorkerRow last = items.get(items.size() - 1);
                    return new Page<>(java.util.List.copyOf(items),
                            new WorkerCursor(last.lastHeartbeat(), last.userId(), last.id()).encode());
                });
    }

    public Uni<QueueDepth> queue(UUID adminId) {
        return db.inTransaction(Actor.admin(adminId), connection -> queue.depth(connection, true));
    }

    /**
     * Workers are keyed by free text in their owner's namespace: the cursor carries the owner ('' for a
     * cloud worker) and the text id (base64url of {@code heartbeat|owner|id}; the id may hold a '|').
     */
    record WorkerCursor(Instant lastHeartbeat, UUID ownerId, String workerId) {
        String encode() {
            String raw = lastHeartbeat + "|" + (ownerId == null ? "" : ownerId) + "|" + workerId;
            return java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        static WorkerCursor decode(String token) {
            try {
                if (token.length() > 400) {
                    throw new IllegalArgumentException("too long");
                }
                String raw = new String(java.util.Base64.getUrlDecoder().decode(token),
                        java.nio.charset.StandardCharsets.UTF_8);
                int bar = raw.indexOf('|');
                int ownerBar = raw.indexOf('|', bar + 1);
                Instant at = Instant.parse(raw.substring(0, bar));
                String owner = raw.substring(bar + 1, ownerBar);
                UUID ownerId = owner.isEmpty() ? null : UUID.fromString(owner);
                if (ownerId != null && !ownerId.toString().equals(owner)) {
                    throw new IllegalArgumentException("not a canonical owner id");
                }
                String workerId = raw.substring(ownerBar + 1);
                // A forged cursor: a time PostgreSQL cannot hold, or an id no worker can have.
                if (!ai.reigh.common.page.Cursor.isPlausible(at) || workerId.length() > 128
                        || workerId.indexOf('\u0000') >= 0) {
                    throw new IllegalArgumentException("forged");
                }
                return new WorkerCursor(at, ownerId, workerId);
            } catch (RuntimeException e) {
                throw ProblemException.badRequest(ErrorCode.INVALID_CURSOR,
                        "The cursor is not one this API returned; start again without it.");
            }
        }
    }
}
