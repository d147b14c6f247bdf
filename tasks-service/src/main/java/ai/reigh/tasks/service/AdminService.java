package ai.reigh.tasks.service;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.page.Page;
import ai.reigh.common.time.MinuteWindow;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.OutboxRepository;
import ai.reigh.tasks.repository.QueueDepth;
import ai.reigh.tasks.repository.QueueRepository;
import ai.reigh.tasks.repository.TaskHistoryRepository;
import ai.reigh.tasks.repository.WorkerRepository;
import ai.reigh.tasks.repository.WorkerRow;
import io.smallrye.mutiny.Uni;

/** The operator's views: workers with their heartbeat age, the queue, the activity, and all of it at a glance. */
@ApplicationScoped
public class AdminService {
    /** The overview's charts: the last hour, minute by minute. */
    public static final int OVERVIEW_MINUTES = MinuteWindow.DEFAULT_MINUTES;
    private static final int MAX_WORKER_ID_LENGTH = 128;
    private static final int CANONICAL_UUID_LENGTH = 36;
    /** A worker that missed two heartbeats in a row is stale (the reaper marks it inactive later). */
    private static final int MISSED_HEARTBEATS_WHEN_STALE = 2;

    private final Db db;
    private final WorkerRepository workers;
    private final QueueRepository queue;
    private final OutboxRepository outbox;
    private final TaskHistoryRepository history;
    private final Duration staleAfter;

    public AdminService(Db db, WorkerRepository workers, QueueRepository queue, OutboxRepository outbox,
            TaskHistoryRepository history, TasksConfig config) {
        this.db = db;
        this.workers = workers;
        this.queue = queue;
        this.outbox = outbox;
        this.history = history;
        this.staleAfter = config.heartbeatInterval().multipliedBy(MISSED_HEARTBEATS_WHEN_STALE);
    }

    /** The console's first page, in one transaction (one snapshot of the queue, the fleet and the outbox). */
    public record Overview(QueueDepth queue, WorkerRepository.FleetHealth fleet, OutboxRepository.OutboxBacklog outbox,
            List<TaskHistoryRepository.Minute> activity, Duration staleAfter) {
    }

    public Uni<Overview> overview(UUID adminId) {
        return db.inTransaction(Actor.admin(adminId), connection -> queue.depth(connection, QueueRepository.Breakdown.LIVE_STATES)
                .chain(depth -> workers.health(connection, staleAfter)
                        .chain(fleet -> outbox.backlog(connection)
                                .chain(backlog -> history.activity(connection, OVERVIEW_MINUTES)
                                        .map(minutes -> new Overview(depth, fleet, backlog, minutes, staleAfter))))));
    }

    /** Claims, completions, failures, requeues and creations per minute over the last {@code minutes}. */
    public Uni<List<TaskHistoryRepository.Minute>> activity(UUID adminId, int minutes) {
        return db.inTransaction(Actor.admin(adminId), connection -> history.activity(connection, minutes));
    }

    /** A worker is stale once it has been silent this long. */
    public Duration staleAfter() {
        return staleAfter;
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
        return db.inTransaction(Actor.admin(adminId), connection -> queue.depth(connection, QueueRepository.Breakdown.ALL_STATES));
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
