package ai.reigh.credits.service;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;

/** The problems credits-service answers beyond common's, with their stable codes. */
public final class CreditsErrors {
    /** The welcome bonus was already granted to this user (409). */
    public static final String WELCOME_BONUS_ALREADY_GRANTED = "welcome_bonus_already_granted";
    /** The spend already has a refund that differs from this request (409). */
    public static final String ALREADY_REFUNDED = "already_refunded";
    /** Refunds return spends only (422). */
    public static final String NOT_A_SPEND = "not_a_spend";
    /** A refund larger than its spend (422). */
    public static final String REFUND_EXCEEDS_SPEND = "refund_exceeds_spend";
    /** A charge for a task tasks-service did not record as Complete (422). */
    public static final String TASK_NOT_COMPLETE = "task_not_complete";
    /** A charge whose user or task type differs from the task row tasks-service recorded (422). */
    public static final String TASK_MISMATCH = "task_mismatch";
    /** A charge or estimate for a task type without a cost config (422). */
    public static final String UNKNOWN_TASK_TYPE = "unknown_task_type";
    /** A charge for a user without a row (422). */
    public static final String UNKNOWN_USER = "unknown_user";
    /** The Stripe-Signature header is missing, malformed, stale or does not match (400). */
    public static final String INVALID_SIGNATURE = "invalid_signature";
    /** This deployment has no usable Stripe webhook secret: deliveries are refused until it is set (503). */
    public static final String STRIPE_WEBHOOK_NOT_CONFIGURED = "stripe_webhook_not_configured";
    /** A signed, paid Stripe session that cannot be credited (no user, other currency, out of range) (422). */
    public static final String UNCREDITABLE_PAYMENT = "uncreditable_payment";

    /** The database refuses a non-spend entry that would take a balance below zero with this constraint. */
    public static final String BALANCE_NOT_NEGATIVE = "credits_ledger_balance_not_negative";
    /** The ledger's own trigger raises this for an unknown user (and so does the foreign key). */
    public static final String LEDGER_USER_FK = "credits_ledger_user_id_fkey";

    private CreditsErrors() {
    }

    public static ProblemException insufficientCredits() {
        return ProblemException.unprocessable(ErrorCode.INSUFFICIENT_CREDITS,
                "This adjustment would take the balance below zero.");
    }

    public static ProblemException idempotencyKeyReused() {
        return ProblemException.conflict(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This idempotency key was already used with a different request.");
    }
}
