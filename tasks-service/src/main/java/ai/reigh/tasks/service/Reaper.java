package ai.reigh.tasks.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.Ended;
import ai.reigh.tasks.repository.OutboxRepository;
import ai.reigh.tasks.repository.RealtimeEventRepository;
import ai.reigh.tasks.repository.ReaperRepository;
import ai.reigh.tasks.repository.TaskStatus;
import ai.reigh.tasks.repository.WorkerRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Takes back the leases of workers that went silent: an In Progress task whose lease expired is
 * requeued (its attempts already count that claim), or Failed after its last attempt (and its
 * dependants with it); workers without a heartbeat become inactive. Then housekeeping: realtime
 * events and delivered outbox rows past their retention are pruned, in bounded batches.
 *
 * <p>One leader at a time across replicas: each run is one transaction that first takes a
 * transaction-scoped advisory lock ({@code pg_try_advisory_xact_lock}); a replica that does not get
 * it skips the run. Each run handles at most {@code reaper.batch-size} leases. {@link #runOnce()}
 * drives one run (tests), {@link ReaperHooks} is its seam.
 */
@ApplicationScoped
public class Reaper {
    static final String REAPER_LOCK = "reigh.tasks.reaper";
    static final String HOUSEKEEPING_LOCK = "reigh.tasks.housekeeping";
    private static final Logger LOG = Logger.getLogger(Reaper.class);

    private final Db db;
    private final ReaperRepository reaper;
    private final WorkerRepository workers;
    private final RealtimeEventRepository events;
    private final OutboxRepository outbox;
    private final EndingCascade cascade;
    private final ReaperHooks hooks;
    private final Orchestrations orchestrations;
    private final TaskMetrics metrics;
    private final TasksConfig config;

    public Reaper(Db db, ReaperRepository reaper, WorkerRepository workers, RealtimeEventRepository events,
            OutboxRepository outbox, EndingCascade cascade, ReaperHooks hooks, Orchestrations orchestrations,
            TaskMetrics metrics, TasksConfig config) {
        this.db = db;
        this.reaper = reaper;
        this.workers = workers;
        this.events = events;
        this.outbox = outbox;
        this.cascade = cascade;
        this.hooks = hooks;
        this.orchestrations = orchestrations;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * What a run did; {@code leading} false: another replica was running it, nothing done.
     * {@code orchestratorsSettled}: waiting orchestrators whose children had all ended, and that no
     * settlement had ended yet (one lost with an instance), completed or failed now.
     */
    public record Run(boolean leading, int expired, int requeued, int failed, int cascaded, int workersInactive,
            int orchestratorsSettled) {
    }

    @Scheduled(every = "${reigh.tasks.reaper.interval:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runOnce().chain(run -> housekeeping()).onFailure().recoverWithItem(failure -> {
            LOG.warnf("reaper run failed: %s", failure.toString());
            return null;
        }).replaceWithVoid();
    }

    public Uni<Run> runOnce() {
        return db.inTransaction(Actor.service(), connection -> reaper.lead(connection, REAPER_LOCK).chain(leading -> {
            if (!leading) {
                return Uni.createFrom().item(new Run(false, 0, 0, 0, 0, 0, 0));
            }
            return reaper.expired(connection, config.reaper().batchSize())
                    .call(hooks::runBefore)
                    .chain(seen -> reaper.takeBack(connection, seen))
                    .call(hooks::runAfter)
                    .chain(ended -> {
                        List<UUID> failed = ended.stream().filter(t -> TaskStatus.FAILED.equals(t.status()))
                                .map(Ended::id).toList();
                        return cascade.afterFailure(connection, failed)
                                .chain(cascaded -> workers.markInactive(connection, config.reaper().workerInactiveAfter())
                                        .chain(inactive -> orchestrations.settleStalled(connection,
                                                config.reaper().batchSize()).map(settled -> new Run(true, ended.size(),
                                                        ended.size() - failed.size(), failed.size(), cascaded.size(),
                                                        inactive, settled))));
                    });
        })).invoke(run -> {
            if (run.orchestratorsSettled() > 0) {
                LOG.infof("reaper: %d waiting orchestrators settled", run.orchestratorsSettled());
            }
            if (run.expired() > 0) {
                metrics.leasesExpired(run.expired());
                metrics.requeued(run.requeued());
                metrics.failed(run.failed());
                LOG.infof("reaper: %d expired leases taken back (%d requeued, %d failed; %d sub-tasks or dependants ended"
                        + " with them)", run.expired(), run.requeued(), run.failed(), run.cascaded());
            }
        });
    }

    /** What a housekeeping run pruned; {@code leading} false: another replica was running it. */
    public record Pruned(boolean leading, int events, int deliveredOutboxRows) {
    }

    /** Prunes what has outlived its retention; one leader, bounded batches. */
    public Uni<Pruned> housekeeping() {
        int batch = config.reaper().pruneBatchSize();
        return db.inTransaction(Actor.service(), connection -> reaper.lead(connection, HOUSEKEEPING_LOCK)
                .chain(leading -> !leading ? Uni.createFrom().item(new Pruned(false, 0, 0))
                        : events.prune(connection, config.events().retention(), batch)
                                .chain(prunedEvents -> outbox.pruneDelivered(connection,
                                        config.reaper().deliveredOutboxRetention(), batch)
                                        .map(rows -> new Pruned(true, prunedEvents, rows)))));
    }
}
