package ai.reigh.credits.service;

import java.math.BigDecimal;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.PgErrors;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ChargeRequest;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.common.time.Timestamps;
import ai.reigh.credits.repository.ChargeContext;
import ai.reigh.credits.repository.ChargeContext.RecordedTask;
import ai.reigh.credits.repository.ChargeContextRepository;
import ai.reigh.credits.repository.LedgerEntryRow;
import ai.reigh.credits.repository.LedgerRepository;
import ai.reigh.credits.repository.TaskCostConfigRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Charges a Complete task once (tasks-service's outbox relay delivers at least once). One spend per
 * task is the unique index's guarantee; a replay answers the existing entry. A charge is never refused
 * for lack of balance: the work was done, and the ledger lets a spend go below zero.
 *
 * <p>Work is billed where it happens: a sub-task is charged on its own, at its own type's price,
 * whatever became of its parent (its spend names the parent in {@code metadata.parent_task_id}); an
 * orchestrator's own time is not billed (TaskPricing). A task whose price is zero writes nothing and
 * says so (200, {@code id} null, {@code amount} 0, {@code metadata.charged = false}, reason
 * {@code zero_cost}): the ledger holds no zero entries.
 */
@ApplicationScoped
public class ChargeService {
    static final String REASON_ZERO_COST = "zero_cost";
    /** The registry's own rule (task_cost_configs.task_type). */
    private static final Pattern TASK_TYPE = Pattern.compile("[a-z0-9_]{1,64}");

    private final Db db;
    private final ChargeContextRepository contexts;
    private final LedgerRepository ledger;
    private final AutoTopUpCharger autoTopUps;

    public ChargeService(Db db, ChargeContextRepository contexts, LedgerRepository ledger,
            AutoTopUpCharger autoTopUps) {
        this.db = db;
        this.contexts = contexts;
        this.ledger = ledger;
        this.autoTopUps = autoTopUps;
    }

    public Uni<Written<LedgerEntryView>> charge(ChargeRequest request) {
        if (request.params() != null && !request.params().isNull() && !request.params().isObject()) {
            throw ProblemException.validation("params", "must be a JSON object");
        }
        if (!TASK_TYPE.matcher(request.taskType()).matches()) {
            throw ProblemException.validation("task_type", "must match [a-z0-9_]{1,64}");
        }
        // Times PostgreSQL cannot hold as finite values were forged (a skew of processed before started
        // is not: it is billed as the minimum second, see TaskPricing).
        if (!Timestamps.isPlausible(request.startedAt())) {
            throw ProblemException.validation("started_at", "must be a time between the years 1 and 9999");
        }
        if (!Timestamps.isPlausible(request.processedAt())) {
            throw ProblemException.validation("processed_at", "must be a time between the years 1 and 9999");
        }
        // A spend that takes the balance under the user's auto top-up threshold decides a charge of their
        // card in its own transaction (an outbox row); the card is charged after the commit, never inside.
        AtomicReference<UUID> topUp = new AtomicReference<>();
        return db.inTransaction(Actor.service(), connection -> contexts
                .load(connection, request.taskId(), request.taskType(), request.startedAt())
                .chain(context -> decide(connection, request, context))
                .call(written -> !written.created() ? Uni.createFrom().voidItem()
                        : autoTopUps.decideAfterSpend(connection, request.userId()).invoke(topUp::set)))
                .invoke(() -> autoTopUps.afterDecision(topUp.get()))
                .onFailure(failure -> PgErrors.isForeignKeyViolation(failure, CreditsErrors.LEDGER_USER_FK))
                .transform(failure -> ProblemException.unprocessable(CreditsErrors.UNKNOWN_USER,
                        "The charged user does not exist."));
    }

    private Uni<Written<LedgerEntryView>> decide(SqlConnection connection, ChargeRequest request, ChargeContext context) {
        if (context.existingSpend() != null) {
            return Uni.createFrom().item(replay(request, context.existingSpend()));
        }
        RecordedTask task = context.task();
        if (task != null) {
            if (!task.isComplete()) {
                throw ProblemException.unprocessable(CreditsErrors.TASK_NOT_COMPLETE,
                        "Only Complete tasks are charged; this task is " + task.status() + ".");
            }
            if (!task.userId().equals(request.userId()) || !task.taskType().equals(request.taskType())) {
                throw ProblemException.unprocessable(CreditsErrors.TASK_MISMATCH,
                        "The charge's user or task type differs from the task's.");
            }
        }
        TaskCostConfigRow config = context.config();
        if (config == null) {
            throw ProblemException.unprocessable(CreditsErrors.UNKNOWN_TASK_TYPE,
                    "Task type '" + request.taskType() + "' has no cost config.");
        }
        Price price = TaskPricing.price(config, request.params(),
                TaskPricing.billedSeconds(request.startedAt(), request.processedAt()));
        ObjectNode metadata = price.breakdown();
        metadata.put("config_valid_from", config.validFrom().toString());
        metadata.put("started_at", request.startedAt().toString());
        metadata.put("processed_at", request.processedAt().toString());
        if (task != null && task.isSubTask()) {
            // So that a client can sum what an orchestration cost.
            metadata.put("parent_task_id", task.parentTaskId().toString());
        }
        if (price.isFree()) {
            return Uni.createFrom().item(notCharged(request, REASON_ZERO_COST, metadata));
        }
        return ledger.insertSpend(connection, request.userId(), price.cost().negate(), request.taskId(), metadata)
                .chain(inserted -> inserted != null ? Uni.createFrom().item(Written.created(LedgerViews.of(inserted)))
                        // A concurrent charge of the same task committed first: answer its entry.
                        : ledger.spendOfTask(connection, request.taskId()).map(existing -> replay(request, existing)));
    }

    private static Written<LedgerEntryView> replay(ChargeRequest request, LedgerEntryRow existing) {
        if (!existing.userId().equals(request.userId())) {
            throw ProblemException.conflict(ErrorCode.CONFLICT, "This task was already charged to another user.");
        }
        return Written.existing(LedgerViews.of(existing));
    }

    private static Written<LedgerEntryView> notCharged(ChargeRequest request, String reason, ObjectNode metadata) {
        metadata.put("charged", false);
        metadata.put("reason", reason);
        return Written.existing(new LedgerEntryView(null, request.userId(),
                BigDecimal.ZERO.setScale(TaskPricing.CREDIT_SCALE), "spend", request.taskId(), metadata, null));
    }
}
