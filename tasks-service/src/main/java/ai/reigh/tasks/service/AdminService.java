package ai.reigh.tasks.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.page.Page;
import ai.reigh.tasks.repository.QueueDepth;
import ai.reigh.tasks.repository.QueueRepository;
import ai.reigh.tasks.repository.WorkerRepository;
import ai.reigh.tasks.repository.WorkerRow;
import io.smallrye.mutiny.Uni;

/** The operator's views: workers with their heartbeat age, and the queue. */
@ApplicationScoped
public class AdminService {
    private static final int MAX_WORKER_ID_LENGTH = 128;
    private static final int CANONICAL_UUID_LENGTH = 36;

    private final Db db;
    private final WorkerRepository workers;
    private final QueueRepository queue;

    public AdminService(Db db, WorkerRepository workers, QueueRepository queue) {
        this.db = db;
        this.workers = workers;
        this.queue = queue;
    }

    /**
     * Workers, most recently heard from first; the cursor is (last_heartbeat, owner, worker id): worker
     * ids are free text in their owner's namespace, so the id alone does not name a row.
     */
    public Uni<Page<WorkerRow>> workers(UUID adminId, String status, int limit, String cursor) {
        KeysetCursor after = cursor == null || cursor.isEmpty() ? null
                : KeysetCursor.decode(cursor, WorkerKey::isPlausible);
        WorkerKey afterWorker = after == null ? null : WorkerKey.parse(after.key());
        return db.inTransaction(Actor.admin(adminId), connection -> workers.list(connection, status,
                after == null ? null : after.at(), afterWorker == null ? null : afterWorker.workerId(),
                afterWorker == null ? null : afterWorker.ownerId(), limit + 1))
                .map(rows -> Page.ofRows(rows, limit, last -> new KeysetCursor(last.lastHeartbeat(),
                        new WorkerKey(last.userId(), last.id()).text()).encode()));
    }

    public Uni<QueueDepth> queue(UUID adminId) {
        return db.inTransaction(Actor.admin(adminId), connection -> queue.depth(connection, true));
    }

    /** A worker's key in a cursor: {@code owner|id}, the owner empty for a cloud worker (the id may hold '|'). */
    record WorkerKey(UUID ownerId, String workerId) {
        String text() {
            return (ownerId == null ? "" : ownerId.toString()) + "|" + workerId;
        }

        static WorkerKey parse(String text) {
            int bar = text.indexOf('|');
            String owner = text.substring(0, bar);
            return new WorkerKey(owner.isEmpty() ? null : UUID.fromString(owner), text.substring(bar + 1));
        }

        static boolean isPlausible(String text) {
            int bar = text.indexOf('|');
            if (bar < 0 || text.length() - bar - 1 > MAX_WORKER_ID_LENGTH) {
                return false;
            }
            String owner = text.substring(0, bar);
            // Only the canonical form this API writes: UUID.fromString also accepts shortened spellings.
            return owner.isEmpty() || (owner.length() == CANONICAL_UUID_LENGTH
                    && UUID.fromString(owner).toString().equals(owner));
        }
    }
}
