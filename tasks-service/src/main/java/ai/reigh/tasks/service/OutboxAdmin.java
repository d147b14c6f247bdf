package ai.reigh.tasks.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.page.Page;
import ai.reigh.tasks.repository.OutboxEntry;
import ai.reigh.tasks.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;

/**
 * What an admin does with the completion outbox: list the parked rows (refused by their receiver) or
 * the pending ones, and replay a parked row once its cause is fixed. A replay makes the row due now,
 * keeps its attempts and records who replayed it and when on the row; it acts only on a parked row
 * (one statement), so of concurrent replays one wins and the others are told the row is not parked.
 * The receivers being idempotent on task_id, a replay never charges twice.
 */
@ApplicationScoped
public class OutboxAdmin {
    /** Replaying a row that is not parked (pending, in flight, delivered, or replayed already): 409. */
    public static final String NOT_PARKED = "not_parked";

    private static final Logger LOG = Logger.getLogger(OutboxAdmin.class);

    private final Db db;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final TaskMetrics metrics;

    public OutboxAdmin(Db db, OutboxRepository outbox, OutboxRelay relay, TaskMetrics metrics) {
        this.db = db;
        this.outbox = outbox;
        this.relay = relay;
        this.metrics = metrics;
    }

    /** Parked (or pending) rows of {@code kind} (null: all), newest first; the cursor is (created_at, id). */
    public Uni<Page<OutboxEntry>> list(UUID adminId, boolean parked, String kind, int limit, String cursor) {
        KeysetCursor after = cursor == null || cursor.isEmpty() ? null
                : KeysetCursor.decode(cursor, OutboxAdmin::isRowNumber);
        return db.inTransaction(Actor.admin(adminId), connection -> outbox.list(connection, parked, kind,
                after == null ? null : after.at(), after == null ? null : Long.valueOf(after.key()), limit + 1))
                .map(rows -> Page.ofRows(rows, limit,
                        last -> new KeysetCursor(last.createdAt(), Long.toString(last.id())).encode()));
    }

    /** The row, due again now; 404 when there is none, 409 {@link #NOT_PARKED} when it is not parked. */
    public Uni<OutboxEntry> replay(UUID adminId, long id) {
        return db.inTransaction(Actor.admin(adminId), connection -> outbox.replay(connection, id, adminId)
                .chain(replayed -> replayed != null ? Uni.createFrom().item(replayed)
                        : outbox.find(connection, id).map(found -> {
                            if (found == null) {
                                throw ProblemException.notFound("Outbox row");
                            }
                            throw ProblemException.conflict(NOT_PARKED, "Outbox row " + id + " is " + found.state()
                                    + ": only a parked row is replayed.");
                        })))
                .invoke(replayed -> {
                    metrics.outboxReplayed();
                    LOG.infof("outbox %d (%s of task %s) replayed by admin %s (replay %d, %d attempts so far)", id,
                            replayed.kind(), replayed.taskId(), adminId, replayed.replays(), replayed.attempts());
                    relay.wake();
                });
    }

    /** An outbox row's number as this API prints it: 1..19 digits, no sign, no leading zero. */
    public static boolean isRowNumber(String text) {
        if (text.isEmpty() || text.length() > 19 || text.charAt(0) == '0'
                || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        try {
            Long.parseLong(text);
            return true;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }
}
