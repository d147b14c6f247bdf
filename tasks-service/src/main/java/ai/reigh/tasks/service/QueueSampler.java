package ai.reigh.tasks.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.OutboxRepository;
import ai.reigh.tasks.repository.QueueRepository;
import ai.reigh.tasks.repository.WorkerRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Samples the gauges that need the database: queue depth and oldest queued age per run type, workers
 * online and stale, outbox lag and parked rows.
 */
@ApplicationScoped
public class QueueSampler {
    private static final Logger LOG = Logger.getLogger(QueueSampler.class);

    private final Db db;
    private final QueueRepository queue;
    private final OutboxRepository outbox;
    private final WorkerRepository workers;
    private final TaskMetrics metrics;
    private final AdminService admin;
    private final int depthCap;

    public QueueSampler(Db db, QueueRepository queue, OutboxRepository outbox, WorkerRepository workers,
            TaskMetrics metrics, AdminService admin, TasksConfig config) {
        this.db = db;
        this.queue = queue;
        this.outbox = outbox;
        this.workers = workers;
        this.metrics = metrics;
        this.admin = admin;
        this.depthCap = config.metrics().queueDepthCap();
    }

    @Scheduled(every = "${reigh.tasks.metrics.sample-interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sample() {
        return db.inTransaction(Actor.service(), connection -> queue.liveByRunType(connection, depthCap)
                .invoke(metrics::queueSampled)
                .chain(() -> workers.health(connection, admin.staleAfter()))
                .invoke(metrics::fleetSampled)
                .chain(() -> outbox.backlog(connection))
                .invoke(backlog -> metrics.outboxSampled(backlog.lagSeconds(), backlog.pending(),
                        backlog.parkedGenerations(), backlog.parkedCharges())))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("queue sample failed: %s", failure.toString());
                    return null;
                });
    }
}
