package ai.reigh.tasks.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.config.TasksConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Long-poll claims parked without a database connection, until new work may be there.
 *
 * <p>Claimers wait in lanes (run type × cloud or local owner), first in first out. A notification
 * ({@code reigh_task_ready}: tasks inserted, requeued or completed) wakes a few claimers per lane,
 * not all of them: a woken claimer that finds work wakes the next one of its lane, so a burst of
 * work drains quickly while an idle fleet is not stampeded into the database. A poll tick does the
 * same when notifications are quiet, so a lost notification only delays. An epoch counter closes
 * the window between a claimer's empty attempt and its parking: a notification in between makes it
 * try again at once instead of sleeping through it.
 */
@ApplicationScoped
public class ClaimWaiters {
    private final int maxParked;
    private final int wakeBatch;
    private final Map<String, ConcurrentLinkedDeque<Waiter>> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicLong epoch = new AtomicLong();

    public ClaimWaiters(TasksConfig config, PgNotifications notifications, MeterRegistry registry) {
        this.maxParked = config.claim().maxParked();
        this.wakeBatch = Math.max(1, config.claim().wakeBatch());
        notifications.onNotification(PgNotifications.TASK_READY, this::workMayBeReady);
        notifications.onConnected(this::wakeAll);
        Gauge.builder("reigh.tasks.claim.parked", parked, AtomicInteger::get)
                .description("Long-poll claims waiting on this instance").register(registry);
    }

    /** The lane of a claimer: claimers of one lane compete for the same tasks. */
    static String lane(String runType, java.util.UUID ownerId) {
        return runType + ":" + (ownerId == null ? "cloud" : ownerId);
    }

    /** Read before an attempt and handed to {@link #park}: a change means "something happened, try again". */
    public long epoch() {
        return epoch.get();
    }

    /**
     * Parks until woken or {@code maxWait} passes (then the caller tries once more and stops at its
     * deadline). Answers at once when something was notified since {@code seenEpoch}; 429 when this
     * instance already holds its maximum of parked claims.
     */
    public Uni<Void> park(String lane, Duration maxWait, long seenEpoch) {
        if (epoch.get() != seenEpoch) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Void>emitter(emitter -> {
            if (parked.incrementAndGet() > maxParked) {
                parked.decrementAndGet();
                emitter.fail(ProblemException.rateLimited(Duration.ofSeconds(1)));
                return;
            }
            Waiter waiter = new Waiter(lane, emitter);
            // compute(): atomic with the removal of empty lanes, so a waiter never joins a dropped lane.
            lanes.compute(lane, (name, waiting) -> {
                ConcurrentLinkedDeque<Waiter> queue = waiting == null ? new ConcurrentLinkedDeque<>() : waiting;
                queue.addLast(waiter);
                return queue;
            });
            emitter.onTermination(() -> leave(waiter));
            if (epoch.get() != seenEpoch) {
                // Notified while registering: do not sleep through it.
                leave(waiter);
                emitter.complete(null);
            }
        }).ifNoItem().after(timerDelay(maxWait)).recoverWithItem((Void) null);
    }

    /** Vert.x timers start at 1 ms. */
    static final Duration SHORTEST_TIMER = Duration.ofMillis(1);

    /**
     * The park's timeout as Vert.x can schedule it: a claim whose deadline was less than a
     * millisecond away used to ask for a 0 ms timer, which Vert.x refuses with an exception thrown
     * inside the subscription, so the claim was never answered (the bench's long polls found it: one
     * request in about a thousand hung until the client gave up). Rounded up to 1 ms, it simply
     * makes its last attempt.
     */
    static Duration timerDelay(Duration maxWait) {
        return maxWait.compareTo(SHORTEST_TIMER) < 0 ? SHORTEST_TIMER : maxWait;
    }

    /** A claimer found work: there may be more, so the next one of its lane tries too. */
    public void wakeNext(String lane) {
        wakeLane(lane, 1);
    }

    public int parkedCount() {
        return parked.get();
    }

    void workMayBeReady() {
        epoch.incrementAndGet();
        lanes.keySet().forEach(lane -> wakeLane(lane, wakeBatch));
    }

    /** After a reconnection nothing is known: everyone looks. */
    void wakeAll() {
        epoch.incrementAndGet();
        lanes.keySet().forEach(lane -> wakeLane(lane, Integer.MAX_VALUE));
    }

    /** The fallback when notifications are lost: as if one had arrived. */
    @Scheduled(every = "${reigh.tasks.claim.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pollTick() {
        if (parked.get() > 0) {
            workMayBeReady();
        }
        for (String lane : lanes.keySet()) {
            lanes.computeIfPresent(lane, (name, waiting) -> waiting.isEmpty() ? null : waiting);
        }
    }

    private void wakeLane(String lane, int count) {
        ConcurrentLinkedDeque<Waiter> waiting = lanes.get(lane);
        if (waiting == null) {
            return;
        }
        for (int woken = 0; woken < count;) {
            Waiter waiter = waiting.pollFirst();
            if (waiter == null) {
                break;
            }
            // Already out of the lane (polled): only the bookkeeping is left.
            if (waiter.done.compareAndSet(false, true)) {
                parked.decrementAndGet();
                waiter.emitter.complete(null);
                woken++;
            }
        }
    }

    private void leave(Waiter waiter) {
        if (waiter.done.compareAndSet(false, true)) {
            parked.decrementAndGet();
            ConcurrentLinkedDeque<Waiter> waiting = lanes.get(waiter.lane);
            if (waiting != null) {
                waiting.remove(waiter);
            }
        }
    }

    private static final class Waiter {
        private final String lane;
        private final UniEmitter<? super Void> emitter;
        private final AtomicBoolean done = new AtomicBoolean();

        Waiter(String lane, UniEmitter<? super Void> emitter) {
            this.lane = lane;
            this.emitter = emitter;
        }
    }
}
