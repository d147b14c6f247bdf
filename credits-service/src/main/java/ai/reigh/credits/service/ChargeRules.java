package ai.reigh.credits.service;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.internal.ChargeRequest;
import ai.reigh.common.internal.LedgerEntryView;
import ai.reigh.common.time.Timestamps;
import ai.reigh.credits.repository.ChargeContext;
import ai.reigh.credits.repository.ChargeContext.RecordedTask;
import ai.reigh.credits.repository.LedgerEntryRow;
import ai.reigh.credits.repository.LedgerRepository.NewSpend;
import ai.reigh.credits.repository.TaskCostConfigRow;

/**
 * What a charge comes to, decided from its request and its {@link ChargeContext} before anything is
 * written, the same for one charge and for a batch. A charge is never refused for lack of balance: the
 * work was done, and the ledger lets a spend go below zero.
 *
 * <p>Work is billed where it happens: a sub-task is charged on its own, at its own type's price,
 * whatever became of its parent (its spend names the parent in {@code metadata.parent_task_id}); an
 * orchestrator's own time is not billed (TaskPricing). A task whose price is zero writes nothing and
 * says so (200, {@code id} null, {@code amount} 0, {@code metadata.charged = false}, reason
 * {@code zero_cost}): the ledger holds no zero entries.
 */
final class ChargeRules {
    static final String REASON_ZERO_COST = "zero_cost";
    /** The registry's own rule (task_cost_configs.task_type). */
    private static final Pattern TASK_TYPE = Pattern.compile("[a-z0-9_]{1,64}");

    private ChargeRules() {
    }

    /** Either the answer already (a replay, a free task) or the spend to insert. */
    record Decision(Written<LedgerEntryView> answer, NewSpend spend) {
    }

    /** What bean validation cannot say of a request; throws the 400 problem. */
    static void validate(ChargeRequest request) {
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
    }

    /** Throws the 422 (or 409) problem of a charge that cannot be made. */
    static Decision decide(ChargeRequest request, ChargeContext context) {
        if (context.existingSpend() != null) {
            return new Decision(replay(request, context.existingSpend()), null);
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
            metadata.put("charged", false);
            metadata.put("reason", REASON_ZERO_COST);
            return new Decision(Written.existing(new LedgerEntryView(null, request.userId(),
                    BigDecimal.ZERO.setScale(TaskPricing.CREDIT_SCALE), "spend", request.taskId(), metadata, null)), null);
        }
        return new Decision(null, new NewSpend(request.userId(), price.cost().negate(), request.taskId(), metadata));
    }

    /** The task's spend, answered again; a spend of another user is a conflict. */
    static Written<LedgerEntryView> replay(ChargeRequest request, LedgerEntryRow existing) {
        if (!existing.userId().equals(request.userId())) {
            throw chargedToAnotherUser();
        }
        return Written.existing(LedgerViews.of(existing));
    }

    static ProblemException chargedToAnotherUser() {
        return ProblemException.conflict(ErrorCode.CONFLICT, "This task was already charged to another user.");
    }
}
