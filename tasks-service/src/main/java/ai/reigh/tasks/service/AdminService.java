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
    private final Db db;
    private final WorkerRepository workers;
    private final QueueRepository queue;

    public AdminService(Db db, WorkerRepository workers, QueueRepository queue) {
        this.db = db;
        this.workers = workers;
        this.queue = queue;
    }

    /** Workers, most recently heard from first; the cursor is (last_heartbeat, worker id). */
    public Uni<Page<WorkerRow>> workers(UUID adminId, String status, int limit, String cursor) {
        KeysetCursor after = cursor == null || cursor.isEmpty() ? null
                : KeysetCursor.decode(cursor, workerId -> workerId.length() <= 128);
        return db.inTransaction(Actor.admin(adminId), connection -> workers.list(connection, status,
                after == null ? null : after.at(), after == null ? null : after.key(), limit + 1))
                .map(rows -> {
                    if (rows.size() <= limit) {
                        return new Page<>(rows, null);
                    }
                    var items = rows.subList(0, limit);
                    WorkerRow last = items.get(items.size() - 1);
                    return new Page<>(java.util.List.copyOf(items),
                            new KeysetCursor(last.lastHeartbeat(), last.id()).encode());
                });
    }

    public Uni<QueueDepth> queue(UUID adminId) {
        return db.inTransaction(Actor.admin(adminId), connection -> queue.depth(connection, true));
    }
}
