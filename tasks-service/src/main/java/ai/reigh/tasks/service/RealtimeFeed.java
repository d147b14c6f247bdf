package ai.reigh.tasks.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import ai.reigh.common.auth.Caller;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ProblemException;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.RealtimeEvent;
import ai.reigh.tasks.repository.RealtimeEventRepository;
import ai.reigh.tasks.repository.TaskRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.queues.Queues;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/**
 * The realtime feed of one instance: a single reader reads the new {@code realtime_events} rows once
 * and hands each to the subscribers of its project. Works with any number of replicas, since every
 * replica reads the table. The reader runs only while someone is subscribed, on a short timer
 * ({@code events.live-interval}, 100 ms): one indexed read per interval per replica. (It used to be
 * woken by a NOTIFY from every publishing statement, but in PostgreSQL 15 a notifying transaction
 * holds a database-wide lock from its commit until the commit is flushed, which serialised the
 * commits of every claim and completion; see docs/performance.md.) When the first subscriber arrives
 * after an idle period it starts from the newest event (a subscriber that wants older ones resumes
 * with Last-Event-ID, read from the table directly).
 *
 * <p>Events go out in id order, never past an id still uncommitted ({@link EventCursor}), and a resume's
 * backlog stops at the reader's release point (the live stream brings the rest): so a stream's events
 * come in id order, and resuming from the last id received, on this instance or another, misses
 * nothing.
 *
 * <p>Limits: subscribers per instance and per user (429 beyond), and a bounded buffer per subscriber:
 * one that falls behind is disconnected and resumes with Last-Event-ID.
 */
@ApplicationScoped
public class RealtimeFeed {
    private static final Logger LOG = Logger.getLogger(RealtimeFeed.class);
    private static final long UNATTACHED_GRACE_NANOS = Duration.ofSeconds(30).toNanos();
    /** How soon the reader looks again while events wait behind a hole (see {@link EventCursor}). */
    private static final Duration HELD_RECHECK = Duration.ofMillis(100);

    private final Db db;
    private final Vertx vertx;
    private final RealtimeEventRepository events;
    private final TaskRepository tasks;
    private final TasksConfig.Events config;
    private final Map<UUID, Set<Subscription>> byProject = new ConcurrentHashMap<>();
    private final Map<UUID, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** Only touched by the one reader. */
    private final EventCursor<RealtimeEvent> cursor;
    /** Guarded by {@code this}: whether the reader follows the table (someone is subscribed). */
    private volatile boolean following;
    /** Guarded by {@code this}: the timer of the reads while following. */
    private long liveTimer = -1;
    /** Where the reader restarts after an idle period; applied by the reader itself. */
    private volatile Long restartAt;
    /**
     * Guarded by {@code this}: every event below this id has been handed to the subscribers (or given up),
     * so a new subscription's backlog stops there and the live stream brings the rest, in order.
     */
    private long releasedBelow;

    public RealtimeFeed(Db db, Vertx vertx, RealtimeEventRepository events, TaskRepository tasks, TasksConfig config,
            MeterRegistry registry) {
        this.db = db;
        this.vertx = vertx;
        this.events = events;
        this.tasks = tasks;
        this.config = config.events();
        this.cursor = new EventCursor<>(0, this.config.gapTimeout().toNanos(), RealtimeEvent::id);
        Gauge.builder("reigh.tasks.events.subscribers", subscribers, AtomicInteger::get)
                .description("Realtime subscribers on this instance").register(registry);
    }

    /** A subscriber's stream of its project's events, backlog (Last-Event-ID) first. */
    public final class Subscription {
        private final UUID projectId;
        private final UUID userId;
        private final UnicastProcessor<RealtimeEvent> live;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final long createdNanos = System.nanoTime();
        private volatile boolean attached;

        Subscription(UUID projectId, UUID userId) {
            this.projectId = projectId;
            this.userId = userId;
            this.live = UnicastProcessor.create(Queues.<RealtimeEvent>get(config.subscriberBuffer()).get(), null);
        }

        /**
         * The events: {@code backlog} (already read) then the live ones not in it. Cancelling the
         * stream (the client went away) unsubscribes.
         */
        public Multi<RealtimeEvent> events(List<RealtimeEvent> backlog) {
            Set<Long> replayed = ConcurrentHashMap.newKeySet();
            backlog.forEach(event -> replayed.add(event.id()));
            return Multi.createBy().concatenating()
                    .streams(Multi.createFrom().iterable(backlog), live.select().where(event -> !replayed.contains(event.id())))
                    .onSubscription().invoke(() -> attached = true)
                    .onTermination().invoke(this::close);
        }

        /** Closed: unsubscribed (the client left, fell behind, or the instance is stopping). */
        public boolean isClosed() {
            return closed.get();
        }

        void deliver(RealtimeEvent event) {
            if (!closed.get()) {
                live.onNext(event);
            }
        }

        /** Unsubscribes and ends the stream (idempotent). */
        public void close() {
            if (closed.compareAndSet(false, true)) {
                unsubscribe(this);
                live.onComplete();
            }
        }
    }

    /**
     * Subscribes the caller to a project's events: 404 unless the caller owns it, 429 over the limits.
     * Returns once the feed follows the table (events committed after this call are delivered), with
     * the backlog after {@code lastEventId} when given. Blocking: call it from a worker thread.
     */
    public Uni<Subscribed> subscribe(Caller caller, UUID projectId, Long lastEventId) {
        UUID userId = caller.requireUserId();
        return db.inTransaction(caller.asUser(), connection -> tasks.projectVisible(connection, projectId)).chain(visible -> {
            if (!visible) {
                return Uni.createFrom().failure(ProblemException.notFound("Project"));
            }
            Subscription subscription = register(projectId, userId);
            Uni<Void> started = following ? Uni.createFrom().voidItem() : startFollowing();
            // Read after the subscription is registered: what the feed releases from here on reaches it live.
            return started.chain(() -> lastEventId == null ? Uni.createFrom().item(List.<RealtimeEvent>of())
                    : db.inTransaction(caller.asUser(), connection -> events.backlog(connection, projectId, lastEventId,
                            releasedBelow(), config.backlogLimit())))
                    .map(backlog -> new Subscribed(subscription, backlog))
                    .onFailure().invoke(subscription::close);
        });
    }

    /** A subscription and the events to replay first. */
    public record Subscribed(Subscription subscription, List<RealtimeEvent> backlog) {
    }

    private Subscription register(UUID projectId, UUID userId) {
        Subscription subscription;
        synchronized (this) {
            AtomicInteger mine = perUser.computeIfAbsent(userId, id -> new AtomicInteger());
            if (mine.get() >= config.maxSubscribersPerUser() || subscribers.get() >= config.maxSubscribers()) {
                throw ProblemException.rateLimited(Duration.ofSeconds(5));
            }
            mine.incrementAndGet();
            subscribers.incrementAndGet();
            subscription = new Subscription(projectId, userId);
        }
        byProject.computeIfAbsent(projectId, id -> ConcurrentHashMap.newKeySet()).add(subscription);
        return subscription;
    }

    private void unsubscribe(Subscription subscription) {
        byProject.computeIfPresent(subscription.projectId, (id, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
        synchronized (this) {
            perUser.computeIfPresent(subscription.userId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
            if (subscribers.decrementAndGet() == 0) {
                stopFollowing();
            }
        }
    }

    /**
     * After an idle period: the reader restarts from the newest event. Events committed after this
     * completes have higher ids (holes aside, see {@link EventCursor}) and reach the subscriber.
     */
    private Uni<Void> startFollowing() {
        return db.inTransaction(Actor.service(), events::latestId).invoke(latest -> {
            synchronized (this) {
                if (subscribers.get() > 0 && !following) {
                    restartAt = latest;
                    releasedBelow = latest + 1;
                    following = true;
                    liveTimer = vertx.setPeriodic(config.liveInterval().toMillis(), timer -> read());
                }
            }
        }).replaceWithVoid();
    }

    private synchronized void stopFollowing() {
        following = false;
        if (liveTimer != -1) {
            vertx.cancelTimer(liveTimer);
            liveTimer = -1;
        }
    }

    private synchronized long releasedBelow() {
        return releasedBelow;
    }

    /** Reads new events if anyone listens; coalesced: one read at a time, re-run if asked meanwhile. */
    void read() {
        if (!following) {
            return;
        }
        again.set(true);
        if (!reading.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        readBatch().subscribe().with(this::finishRead, failure -> {
            LOG.warnf("realtime feed read failed: %s", failure.toString());
            finishRead(Next.WAIT);
        });
    }

    /** After a read: read again at once (a full batch), soon (events wait behind a hole), or at the next tick. */
    private enum Next {
        AT_ONCE, SOON, WAIT
    }

    private void finishRead(Next next) {
        reading.set(false);
        if ((next == Next.AT_ONCE || again.get()) && following) {
            read();
        } else if (next == Next.SOON && following) {
            // Events wait behind a hole: look again shortly, whatever the live interval.
            Uni.createFrom().voidItem().onItem().delayIt().by(HELD_RECHECK).subscribe().with(ignored -> read());
        }
    }

    /** One read: dispatch what it releases. */
    private Uni<Next> readBatch() {
        Long restart = restartAt;
        if (restart != null) {
            restartAt = null;
            // Never backwards: a read that was in flight during the idle switch may already be past it.
            if (restart > cursor.maxSeen()) {
                cursor.reset(restart);
            }
        }
        long after = cursor.maxSeen();
        Long[] gaps = cursor.gaps();
        boolean boundWriters = cursor.needsBound();
        return db.inTransaction(Actor.service(), connection -> events.read(connection, after, gaps, config.readBatch(),
                boundWriters)).map(read -> {
                    boolean full = read.events().size() == config.readBatch();
                    long xidAfter = read.xidAfter() == null ? EventCursor.UNBOUNDED : read.xidAfter();
                    // A full batch may have left filled holes unread: it cannot tell them rolled back.
                    EventCursor.Snapshot snapshot = full ? EventCursor.Snapshot.partial(xidAfter)
                            : new EventCursor.Snapshot(read.xmin(), xidAfter);
                    List<RealtimeEvent> released = cursor.accept(read.events(), snapshot, System.nanoTime());
                    // The new release point is published before the events go out: a subscription that read
                    // the old one was registered before this dispatch and gets them live; one that reads the
                    // new one finds them in its backlog (they are committed).
                    synchronized (this) {
                        // A restart the reader has not applied yet is the release point meanwhile.
                        if (restartAt == null) {
                            releasedBelow = cursor.releasedBelow();
                        }
                    }
                    released.forEach(this::dispatch);
                    return full ? Next.AT_ONCE : cursor.holding() ? Next.SOON : Next.WAIT;
                });
    }

    private void dispatch(RealtimeEvent event) {
        Set<Subscription> listening = byProject.get(event.projectId());
        if (listening != null) {
            for (Subscription subscription : listening) {
                try {
                    subscription.deliver(event);
                } catch (RuntimeException overflow) {
                    LOG.debugf("subscriber of project %s fell behind and is disconnected", event.projectId());
                    subscription.close();
                }
            }
        }
    }

    /** A backstop for the live timer, and the sweep of subscriptions never attached. */
    @Scheduled(every = "${reigh.tasks.events.poll-interval:2s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        read();
        dropUnattached();
    }

    /**
     * A subscription whose stream was never consumed (the client went away between the check and the
     * start of the stream) would hold its place forever: closed after a grace period.
     */
    void dropUnattached() {
        dropUnattached(UNATTACHED_GRACE_NANOS);
    }

    void dropUnattached(long graceNanos) {
        long now = System.nanoTime();
        for (Set<Subscription> listening : byProject.values()) {
            for (Subscription subscription : listening) {
                if (!subscription.attached && now - subscription.createdNanos >= graceNanos) {
                    subscription.close();
                }
            }
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopFollowing();
        byProject.values().forEach(set -> set.forEach(Subscription::close));
    }

    public int subscriberCount() {
        return subscribers.get();
    }
}
