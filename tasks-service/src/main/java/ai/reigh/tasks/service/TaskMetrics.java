package ai.reigh.tasks.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.tasks.repository.OutboxRow;
import ai.reigh.tasks.repository.QueueRepository;
import ai.reigh.tasks.repository.WorkerRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The queue's metrics (Prometheus at {@code /q/metrics} on the management port): counters of claims, completions, failures
 * and lease expiries, outbox deliveries, parkings and replays; gauges of queue depth, oldest queued
 * age, outbox lag and parked outbox rows (sampled by {@link QueueSampler}), parked long polls and
 * realtime subscribers.
 */
@ApplicationScoped
public class TaskMetrics {
    private final Counter claimRequests;
    private final Counter tasksClaimed;
    private final Counter completions;
    private final Counter failures;
    private final Counter requeues;
    private final Counter leaseExpiries;
    private final Counter tasksCreated;
    private final Counter delivered;
    private final Counter redeliveries;
    private final Map<String, Counter> parkings;
    private final Counter replays;
    private final Map<String, AtomicLong> queued = perRunType();
    private final Map<String, AtomicLong> inProgress = perRunType();
    private final Map<String, AtomicLong> oldestQueuedMillis = perRunType();
    private final AtomicLong workersOnline = new AtomicLong();
    private final AtomicLong workersStale = new AtomicLong();
    private final AtomicLong outboxLagMillis = new AtomicLong();
    private final AtomicLong outboxPending = new AtomicLong();
    private final Map<String, AtomicLong> outboxParked = Map.of(OutboxRow.GENERATION, new AtomicLong(),
            OutboxRow.CHARGE, new AtomicLong());

    public TaskMetrics(MeterRegistry registry) {
        claimRequests = Counter.builder("reigh.tasks.claim.requests").description("Claim attempts that reached the database")
                .register(registry);
        tasksClaimed = Counter.builder("reigh.tasks.claimed").description("Tasks handed out by claims").register(registry);
        completions = Counter.builder("reigh.tasks.completions").description("Tasks completed").register(registry);
        failures = Counter.builder("reigh.tasks.failures").description("Tasks that ended Failed (any cause)")
                .register(registry);
        requeues = Counter.builder("reigh.tasks.requeues").description("Tasks put back in the queue (retry, crash, expiry)")
                .register(registry);
        leaseExpiries = Counter.builder("reigh.tasks.lease.expiries").description("Leases taken back by the reaper")
                .register(registry);
        tasksCreated = Counter.builder("reigh.tasks.created").description("Tasks created").register(registry);
        delivered = Counter.builder("reigh.tasks.outbox.delivered").description("Outbox rows acknowledged by receivers")
                .register(registry);
        redeliveries = Counter.builder("reigh.tasks.outbox.retries").description("Outbox deliveries to be retried")
                .register(registry);
        // Per kind, registered up front so that a dashboard sees 0 rather than nothing.
        parkings = Map.of(OutboxRow.GENERATION, parkingsOf(registry, OutboxRow.GENERATION), OutboxRow.CHARGE,
                parkingsOf(registry, OutboxRow.CHARGE));
        replays = Counter.builder("reigh.tasks.outbox.replays").description("Parked outbox rows replayed by an admin")
                .register(registry);
        // Per run type: GPU and API work have their own workers, so their own queues and alerts.
        for (String runType : QueueRepository.RUN_TYPES) {
            Gauge.builder("reigh.tasks.queue.depth", queued.get(runType), AtomicLong::get).tag("status", "Queued")
                    .tag("run_type", runType).description("Tasks per live status and run type (sampled)").register(registry);
            Gauge.builder("reigh.tasks.queue.depth", inProgress.get(runType), AtomicLong::get).tag("status", "In Progress")
                    .tag("run_type", runType).description("Tasks per live status and run type (sampled)").register(registry);
            Gauge.builder("reigh.tasks.queue.oldest.age.seconds", oldestQueuedMillis.get(runType), millis -> millis.get() / 1000.0)
                    .tag("run_type", runType).description("Age of the oldest Queued task of the run type (sampled)")
                    .register(registry);
        }
        Gauge.builder("reigh.tasks.workers", workersOnline, AtomicLong::get).tag("health", "online")
                .description("Active workers heard from within two heartbeat intervals (sampled)").register(registry);
        Gauge.builder("reigh.tasks.workers", workersStale, AtomicLong::get).tag("health", "stale")
                .description("Active workers silent for longer than two heartbeat intervals (sampled)").register(registry);
        Gauge.builder("reigh.tasks.outbox.lag.seconds", outboxLagMillis, millis -> millis.get() / 1000.0)
                .description("Age of the oldest undelivered outbox row (sampled)").register(registry);
        Gauge.builder("reigh.tasks.outbox.pending", outboxPending, AtomicLong::get)
                .description("Outbox rows waiting for delivery, parked ones apart (sampled)").register(registry);
        outboxParked.forEach((kind, parked) -> Gauge.builder("reigh.tasks.outbox.parked", parked, AtomicLong::get)
                .tag("kind", kind).description("Outbox rows refused by their receiver, waiting for an admin (sampled)")
                .register(registry));
    }

    private static Counter parkingsOf(MeterRegistry registry, String kind) {
        return Counter.builder("reigh.tasks.outbox.parkings").tag("kind", kind)
                .description("Outbox rows parked because their receiver refused them (4xx)").register(registry);
    }

    void claimAttempted() {
        claimRequests.increment();
    }

    void claimed(int count) {
        tasksClaimed.increment(count);
    }

    void completed(int count) {
        completions.increment(count);
    }

    void failed(int count) {
        failures.increment(count);
    }

    void requeued(int count) {
        requeues.increment(count);
    }

    void leasesExpired(int count) {
        leaseExpiries.increment(count);
    }

    void created() {
        tasksCreated.increment();
    }

    void outboxSettled(int deliveredCount, int retriedCount, List<String> parkedKinds) {
        delivered.increment(deliveredCount);
        redeliveries.increment(retriedCount);
        for (String kind : parkedKinds) {
            Counter counter = parkings.get(kind);
            if (counter != null) {
                counter.increment();
            }
        }
    }

    void outboxReplayed() {
        replays.increment();
    }

    void queueSampled(List<QueueRepository.RunTypeDepth> depths) {
        for (QueueRepository.RunTypeDepth depth : depths) {
            queued.get(depth.runType()).set(depth.queued());
            inProgress.get(depth.runType()).set(depth.inProgress());
            oldestQueuedMillis.get(depth.runType()).set((long) (depth.oldestQueuedAgeSeconds() * 1000));
        }
    }

    void fleetSampled(WorkerRepository.FleetHealth fleet) {
        workersOnline.set(fleet.online());
        workersStale.set(fleet.stale());
    }

    private static Map<String, AtomicLong> perRunType() {
        return QueueRepository.RUN_TYPES.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                runType -> runType, runType -> new AtomicLong()));
    }

    void outboxSampled(double lagSeconds, long pending, long parkedGenerations, long parkedCharges) {
        outboxLagMillis.set((long) (lagSeconds * 1000));
        outboxPending.set(pending);
        outboxParked.get(OutboxRow.GENERATION).set(parkedGenerations);
        outboxParked.get(OutboxRow.CHARGE).set(parkedCharges);
    }
}
