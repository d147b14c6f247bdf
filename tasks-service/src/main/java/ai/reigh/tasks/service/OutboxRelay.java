package ai.reigh.tasks.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.common.background.CoalescedRuns;
import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.Problem;
import ai.reigh.common.internal.ChargeBatch;
import ai.reigh.common.internal.GenerationBatch;
import ai.reigh.tasks.client.DeliveryRefused;
import ai.reigh.tasks.client.Receivers;
import ai.reigh.tasks.config.TasksConfig;
import ai.reigh.tasks.repository.OutboxRepository;
import ai.reigh.tasks.repository.OutboxRow;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Delivers the completion outbox: generations to projects-service in calls of up to
 * {@value #MAX_GENERATIONS_PER_CALL} (each written in its own transaction on the receiver's side),
 * charges to credits-service in calls of up to {@value #MAX_CHARGES_PER_CALL} (one transaction and one
 * ledger insert per call), each item answered on its own, retrying with capped
 * exponential backoff (with jitter) until each receiver acknowledges (2xx) or refuses (4xx but
 * 408/429). A refused row is parked, never dropped: it keeps its payload and the
 * receiver's error, is no longer retried on its own, is counted ({@link TaskMetrics}) and waits for an
 * admin to replay it once the cause is fixed ({@link OutboxAdmin}). Receivers are idempotent on task_id,
 * so redelivery after a crash, a lost answer or a replay is harmless. Payloads go out as stored, each
 * delivery traced back to the completion that wrote its row ({@link OutboxTraces}).
 *
 * <p>No leader: every replica may relay, because a batch is reserved with {@code FOR UPDATE SKIP
 * LOCKED} and an in-flight timeout (see {@link OutboxRepository}), so replicas never take the same
 * rows and a dead relay's rows come back after the timeout. Woken by completions on this instance
 * (each replica relays its own completions, gathered for {@code relay.gather} so that a batch carries
 * several; while a batch is out, new rows accumulate and go in the next one) and by a poll that picks
 * up retries and anything a dead replica left.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int MAX_ERROR_LENGTH = 1000;
    /** Batches per wake-up before yielding to the next poll (bounds one run under a large backlog). */
    private static final int MAX_BATCHES_PER_RUN = 20;
    static final int MAX_CHARGES_PER_CALL = ChargeBatch.MAX_CHARGES;
    static final int MAX_GENERATIONS_PER_CALL = GenerationBatch.MAX_GENERATIONS;
    /** Half of the receivers' request body limit (1 MiB): a task's params may be up to 64 KiB. */
    static final int MAX_BYTES_PER_CALL = 512 * 1024;

    private final Db db;
    private final OutboxRepository outbox;
    private final Receivers receivers;
    private final TaskMetrics metrics;
    private final TasksConfig.Relay config;
    private final OutboxTraces traces;
    private final CoalescedRuns runs;

    public OutboxRelay(Db db, OutboxRepository outbox, Receivers receivers, TaskMetrics metrics, TasksConfig config,
            OutboxTraces traces, Vertx vertx) {
        this.db = db;
        this.traces = traces;
        this.outbox = outbox;
        this.receivers = receivers;
        this.metrics = metrics;
        this.config = config.relay();
        this.runs = new CoalescedRuns(vertx, this.config.gather(), () -> runBatches(0),
                failure -> LOG.warnf("outbox relay run failed: %s", failure.toString()));
    }

    /** What one batch did. */
    public record BatchResult(int reserved, int delivered, int retried, int parked) {
    }

    /**
     * Asks for a run soon: after the gather window, so that the completions of those milliseconds go in
     * one batch; runs never overlap on one instance (a wake during a run makes one more run after it).
     */
    public void wake() {
        runs.request();
    }

    @Scheduled(every = "${reigh.tasks.relay.poll-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        wake();
    }

    void stop(@jakarta.enterprise.event.Observes ShutdownEvent shutdown) {
        runs.stop();
    }

    /** Batch after batch while they come back full (a backlog), at most {@value #MAX_BATCHES_PER_RUN}. */
    private Uni<Void> runBatches(int done) {
        return deliverBatch().chain(result -> result.reserved() == config.batchSize() && done + 1 < MAX_BATCHES_PER_RUN
                ? runBatches(done + 1) : Uni.createFrom().voidItem());
    }

    /** Reserves one batch of due rows, delivers them concurrently, settles each. Drivable from tests. */
    public Uni<BatchResult> deliverBatch() {
        return db.inTransaction(Actor.service(), connection -> outbox.reserve(connection, config.batchSize(),
                config.inFlightTimeout()))
                .chain(rows -> rows.isEmpty() ? Uni.createFrom().item(new BatchResult(0, 0, 0, 0))
                        : Multi.createFrom().iterable(deliveries(rows)).onItem()
                                .transformToUni(Supplier::get).merge(Math.max(1, config.concurrency()))
                                .collect().asList()
                                .map(settled -> settled.stream().flatMap(List::stream).toList())
                                .chain(this::settle));
    }

    /** Generations and charges, each kind in calls of at most its batch's size; any other kind on its own. */
    private List<Supplier<Uni<List<Settlement>>>> deliveries(List<OutboxRow> rows) {
        List<Supplier<Uni<List<Settlement>>>> deliveries = new ArrayList<>();
        List<OutboxRow> generations = new ArrayList<>();
        List<OutboxRow> charges = new ArrayList<>();
        for (OutboxRow row : rows) {
            switch (row.kind()) {
                case OutboxRow.GENERATION -> generations.add(row);
                case OutboxRow.CHARGE -> charges.add(row);
                default -> deliveries.add(() -> deliver(row).map(List::of));
            }
        }
        for (List<OutboxRow> call : calls(generations, MAX_GENERATIONS_PER_CALL, MAX_BYTES_PER_CALL)) {
            deliveries.add(() -> deliverGenerations(call));
        }
        for (List<OutboxRow> call : calls(charges, MAX_CHARGES_PER_CALL, MAX_BYTES_PER_CALL)) {
            deliveries.add(() -> deliverCharges(call));
        }
        return deliveries;
    }

    /**
     * Rows in order, cut into calls of at most {@code maxRows} rows and about {@code maxBytes} of payload
     * (a row larger than that alone goes in a call of its own).
     */
    static List<List<OutboxRow>> calls(List<OutboxRow> rows, int maxRows, int maxBytes) {
        List<List<OutboxRow>> calls = new ArrayList<>();
        List<OutboxRow> call = new ArrayList<>();
        long bytes = 0;
        for (OutboxRow row : rows) {
            int size = row.payload().toString().length();
            if (!call.isEmpty() && (call.size() == maxRows || bytes + size > maxBytes)) {
                calls.add(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(row);
            bytes += size;
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    /**
     * Charges in one call, settled by their outcomes. A call the receiver refuses as a whole (an older
     * credits-service without the batch route) is delivered again one charge at a time; a call that
     * fails (timeout, 5xx, receiver down) is retried as a whole — charges are idempotent on task_id.
     */
    Uni<List<Settlement>> deliverCharges(List<OutboxRow> rows) {
        return deliverTogether(rows, OutboxRow.CHARGE, "credits-service", payloads -> receivers.deliverCharges(payloads)
                .map(outcomes -> outcomes.stream().map(o -> new ItemAnswer(o.status(), o.problem())).toList()));
    }

    /**
     * Generations in one call, as charges are: each written in its own transaction by projects-service,
     * in a span continuing the trace its row stored.
     */
    Uni<List<Settlement>> deliverGenerations(List<OutboxRow> rows) {
        List<String> traceparents = rows.stream().map(OutboxRow::traceparent).toList();
        return deliverTogether(rows, OutboxRow.GENERATION, "projects-service", payloads -> receivers
                .deliverGenerations(payloads, traceparents)
                .map(outcomes -> outcomes.stream().map(o -> new ItemAnswer(o.status(), o.problem())).toList()));
    }

    /** What a receiver answered for one item of a call: its status, and its problem when refused. */
    private record ItemAnswer(int status, Problem problem) {
    }

    private Uni<List<Settlement>> deliverTogether(List<OutboxRow> rows, String kind, String receiver,
            Function<List<JsonNode>, Uni<List<ItemAnswer>>> call) {
        List<JsonNode> payloads = rows.stream().map(OutboxRow::payload).toList();
        return traces.linking(rows, kind, () -> call.apply(payloads))
                .map(answers -> settlements(rows, answers, receiver))
                .onFailure(DeliveryRefused.class).recoverWithUni(refused -> {
                    LOG.infof("a call of %d %ss was refused as a whole (%s): delivering them one by one", rows.size(),
                            kind, refused.getMessage());
                    return Multi.createFrom().iterable(rows).onItem().transformToUniAndConcatenate(this::deliver)
                            .collect().asList();
                })
                .onFailure().recoverWithItem(failure -> rows.stream()
                        .map(row -> Settlement.retry(row, backoffSeconds(row.attempts()), failure.toString())).toList());
    }

    private List<Settlement> settlements(List<OutboxRow> rows, List<ItemAnswer> answers, String receiver) {
        if (answers == null || answers.size() != rows.size()) {
            String error = receiver + " answered " + (answers == null ? 0 : answers.size()) + " outcomes for "
                    + rows.size() + " items";
            return rows.stream().map(row -> Settlement.retry(row, backoffSeconds(row.attempts()), error)).toList();
        }
        List<Settlement> settlements = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            ItemAnswer answer = answers.get(i);
            if (answer.status() >= 200 && answer.status() < 300) {
                settlements.add(Settlement.delivered(row));
            } else if (Receivers.isRefusal(answer.status())) {
                Problem problem = answer.problem();
                DeliveryRefused refused = problem == null
                        ? new DeliveryRefused(answer.status(), receiver + " refused with " + answer.status())
                        : Receivers.refused(receiver, answer.status(), problem.code(), problem.detail(), problem.errors());
                settlements.add(parked(row, refused));
            } else {
                settlements.add(Settlement.retry(row, backoffSeconds(row.attempts()),
                        receiver + " answered " + answer.status() + " for this " + row.kind()));
            }
        }
        return settlements;
    }

    private Settlement parked(OutboxRow row, DeliveryRefused refused) {
        LOG.errorf("outbox %d (%s of task %s) parked for an admin: %s", row.id(), row.kind(), row.taskId(),
                refused.getMessage());
        return Settlement.parked(row, refused.getMessage());
    }

    private Uni<Settlement> deliver(OutboxRow row) {
        Uni<Void> call = traces.continuing(row, () -> switch (row.kind()) {
            case OutboxRow.GENERATION -> receivers.deliverGeneration(row.payload());
            case OutboxRow.CHARGE -> receivers.deliverCharge(row.payload());
            default -> Uni.createFrom().failure(new DeliveryRefused(0, "unknown outbox kind " + row.kind()));
        });
        return call.map(ok -> Settlement.delivered(row)).onFailure().recoverWithItem(failure -> failure
                instanceof DeliveryRefused refused ? parked(row, refused)
                        : Settlement.retry(row, backoffSeconds(row.attempts()), failure.toString()));
    }

    private Uni<BatchResult> settle(List<Settlement> settlements) {
        List<Long> delivered = new ArrayList<>();
        List<Long> retryIds = new ArrayList<>();
        List<Double> retryDelays = new ArrayList<>();
        List<String> retryErrors = new ArrayList<>();
        List<Long> parkIds = new ArrayList<>();
        List<String> parkErrors = new ArrayList<>();
        List<String> parkKinds = new ArrayList<>();
        for (Settlement settlement : settlements) {
            switch (settlement.outcome()) {
                case DELIVERED -> delivered.add(settlement.row().id());
                case RETRY -> {
                    retryIds.add(settlement.row().id());
                    retryDelays.add(settlement.delaySeconds());
                    retryErrors.add(settlement.error());
                }
                case PARKED -> {
                    parkIds.add(settlement.row().id());
                    parkErrors.add(settlement.error());
                    parkKinds.add(settlement.row().kind());
                }
            }
        }
        // Planned once: with the ids' array at hand PostgreSQL judged a custom plan cheaper on every call
        // and planned each settlement again (as long as running it); the generic plan is the same key lookup.
        return db.inTransactionPlannedOnce(Actor.service(), connection -> outbox.delivered(connection, delivered.toArray(Long[]::new))
                .chain(() -> outbox.retry(connection, retryIds.toArray(Long[]::new), retryDelays.toArray(Double[]::new),
                        retryErrors.toArray(String[]::new)))
                .chain(() -> outbox.park(connection, parkIds.toArray(Long[]::new), parkErrors.toArray(String[]::new))))
                .map(ok -> {
                    metrics.outboxSettled(delivered.size(), retryIds.size(), parkKinds);
                    return new BatchResult(settlements.size(), delivered.size(), retryIds.size(), parkIds.size());
                });
    }

    /** base × 2^(attempts-1), capped, ±25 % jitter so that a recovering receiver is not hit in lockstep. */
    double backoffSeconds(int attempts) {
        double base = config.backoffBase().toMillis() / 1000.0;
        double max = config.backoffMax().toMillis() / 1000.0;
        double delay = Math.min(max, base * Math.pow(2, Math.max(0, Math.min(attempts - 1, 30))));
        return delay * (0.75 + ThreadLocalRandom.current().nextDouble() * 0.5);
    }

    /** What the delivery of one row came to, to be written back in the settling transaction. */
    record Settlement(OutboxRow row, Outcome outcome, double delaySeconds, String error) {
        static Settlement delivered(OutboxRow row) {
            return new Settlement(row, Outcome.DELIVERED, 0, null);
        }

        static Settlement retry(OutboxRow row, double delaySeconds, String error) {
            return new Settlement(row, Outcome.RETRY, delaySeconds, truncate(error));
        }

        static Settlement parked(OutboxRow row, String error) {
            return new Settlement(row, Outcome.PARKED, 0, truncate(error));
        }

        private static String truncate(String error) {
            return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
        }
    }

    enum Outcome {
        DELIVERED, RETRY, PARKED
    }
}
