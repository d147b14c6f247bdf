package ai.reigh.credits.repository;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code credits_auto_top_up_charges}: the outbox of card charges. Every transition is one UPDATE
 * guarded by the state it expects, so a late or repeated settlement (the charger after the webhook,
 * a second charger after a claim ran out) changes nothing.
 */
@ApplicationScoped
public class AutoTopUpChargeRepository {
    static final String COLUMNS = "id, user_id, status, amount_cents, balance_at_decision, threshold_credits,"
            + " stripe_customer_id, stripe_payment_method_id, payment_intent_id, attempts, last_error, ledger_entry_id,"
            + " decided_at, settled_at";

    /**
     * The decision, in the transaction of the spend that took the balance under the threshold: a charge
     * is decided when the user has auto top-up on with a saved card, the balance (after this spend) is
     * under the threshold, no charge is in flight and none was decided within the window. The spend's
     * ledger trigger holds the user's row lock until this transaction ends, so the decisions of one
     * user's concurrent spends run one after the other, each seeing the one before; the unique index
     * on in-flight charges is the second lock. Decides for any number of users at once (the users of a
     * batch of spends); returns the new charges' ids.
     */
    static final String DECIDE = """
            INSERT INTO credits_auto_top_up_charges (user_id, amount_cents, balance_at_decision, threshold_credits,
                                                     stripe_customer_id, stripe_payment_method_id)
            SELECT a.user_id, a.amount_cents, u.total_credits, a.threshold_credits, a.stripe_customer_id,
                   a.stripe_payment_method_id
            FROM credits_auto_top_ups a JOIN users u ON u.id = a.user_id
            WHERE a.user_id = ANY ($1::uuid[]) AND a.enabled AND a.stripe_customer_id IS NOT NULL
              AND a.stripe_payment_method_id IS NOT NULL AND u.total_credits < a.threshold_credits
              AND NOT EXISTS (SELECT 1 FROM credits_auto_top_up_charges c WHERE c.user_id = a.user_id
                              AND (c.status IN ('pending', 'charging', 'processing')
                                   OR c.decided_at > now() - $2::bigint * interval '1 millisecond'))
            ON CONFLICT (user_id) WHERE status IN ('pending', 'charging', 'processing') DO NOTHING
            RETURNING id""";

    /** Charges out of attempts are failed before the claim (a timed-out one that went through is still credited by the webhook). */
    static final String GIVE_UP = """
            UPDATE credits_auto_top_up_charges SET status = 'failed', settled_at = now(), claimed_until = NULL,
              last_error = left('gave up after ' || attempts || ' attempts: ' || coalesce(last_error, ''), 1000)
            WHERE attempts >= $1 AND ((status = 'pending' AND next_attempt_at <= now())
                                      OR (status = 'charging' AND claimed_until < now()))""";

    /**
     * Due charges, claimed: each gets an attempt and is hidden from other chargers until
     * {@code claimed_until}; one whose charger died mid-call comes back when that passes.
     */
    static final String CLAIM = """
            WITH due AS (
              SELECT id FROM credits_auto_top_up_charges
              WHERE status IN ('pending', 'charging')
                AND ((status = 'pending' AND next_attempt_at <= now()) OR (status = 'charging' AND claimed_until < now()))
              ORDER BY decided_at LIMIT $1 FOR UPDATE SKIP LOCKED
            )
            UPDATE credits_auto_top_up_charges c SET status = 'charging', attempts = c.attempts + 1,
              claimed_until = now() + $2::bigint * interval '1 millisecond'
            FROM due WHERE c.id = due.id
            RETURNING\s""" + qualified("c");

    static final String SUCCEEDED = "UPDATE credits_auto_top_up_charges SET status = 'succeeded', payment_intent_id = $2,"
            + " ledger_entry_id = $3, settled_at = now(), claimed_until = NULL WHERE id = $1 AND status <> 'succeeded'"
            + " RETURNING " + COLUMNS;
    static final String PROCESSING = "UPDATE credits_auto_top_up_charges SET status = 'processing', payment_intent_id = $2,"
            + " claimed_until = NULL WHERE id = $1 AND status = 'charging' RETURNING " + COLUMNS;
    static final String FAILED = "UPDATE credits_auto_top_up_charges SET status = 'failed', last_error = left($2, 1000),"
            + " payment_intent_id = coalesce($3, payment_intent_id), settled_at = now(), claimed_until = NULL"
            + " WHERE id = $1 AND status IN ('charging', 'processing') RETURNING " + COLUMNS;
    static final String RETRY_LATER = "UPDATE credits_auto_top_up_charges SET status = 'pending', last_error = left($3, 1000),"
            + " next_attempt_at = now() + $2::bigint * interval '1 millisecond', claimed_until = NULL"
            + " WHERE id = $1 AND status = 'charging' RETURNING " + COLUMNS;
    static final String FIND = "SELECT " + COLUMNS + " FROM credits_auto_top_up_charges WHERE id = $1";
    static final String LATEST_OF_USER = "SELECT " + COLUMNS + " FROM credits_auto_top_up_charges WHERE user_id = $1"
            + " ORDER BY decided_at DESC LIMIT 1";

    private static String qualified(String alias) {
        return String.join(", ", List.of(COLUMNS.split(",")).stream().map(String::trim).map(c -> alias + "." + c).toList());
    }

    /** The id of the charge this spend decided, or null. */
    public Uni<List<UUID>> decide(SqlConnection connection, Collection<UUID> userIds, Duration window) {
        return connection.preparedQuery(DECIDE).execute(Tuple.of(userIds.toArray(UUID[]::new), window.toMillis()))
                .map(rows -> Rows.map(rows, row -> row.getUUID("id")));
    }

    public Uni<Integer> giveUp(SqlConnection connection, int maxAttempts) {
        return connection.preparedQuery(GIVE_UP).execute(Tuple.of(maxAttempts)).map(rows -> rows.rowCount());
    }

    public Uni<List<AutoTopUpChargeRow>> claim(SqlConnection connection, int limit, Duration claim) {
        return connection.preparedQuery(CLAIM).execute(Tuple.of(limit, claim.toMillis()))
                .map(rows -> Rows.map(rows, AutoTopUpChargeRepository::map));
    }

    public Uni<AutoTopUpChargeRow> succeeded(SqlConnection connection, UUID id, String paymentIntentId, UUID ledgerEntryId) {
        return one(connection, SUCCEEDED, Tuple.of(id, paymentIntentId, ledgerEntryId));
    }

    public Uni<AutoTopUpChargeRow> processing(SqlConnection connection, UUID id, String paymentIntentId) {
        return one(connection, PROCESSING, Tuple.of(id, paymentIntentId));
    }

    public Uni<AutoTopUpChargeRow> failed(SqlConnection connection, UUID id, String error, String paymentIntentId) {
        return one(connection, FAILED, Tuple.of(id, error, paymentIntentId));
    }

    public Uni<AutoTopUpChargeRow> retryLater(SqlConnection connection, UUID id, Duration delay, String error) {
        return one(connection, RETRY_LATER, Tuple.of(id, delay.toMillis(), error));
    }

    public Uni<AutoTopUpChargeRow> find(SqlConnection connection, UUID id) {
        return one(connection, FIND, Tuple.of(id));
    }

    public Uni<AutoTopUpChargeRow> latestOfUser(SqlConnection connection, UUID userId) {
        return one(connection, LATEST_OF_USER, Tuple.of(userId));
    }

    private static Uni<AutoTopUpChargeRow> one(SqlConnection connection, String sql, Tuple arguments) {
        return connection.preparedQuery(sql).execute(arguments).map(rows -> Rows.first(rows, AutoTopUpChargeRepository::map));
    }

    static AutoTopUpChargeRow map(Row row) {
        return new AutoTopUpChargeRow(row.getUUID("id"), row.getUUID("user_id"), row.getString("status"),
                row.getInteger("amount_cents"), row.getBigDecimal("balance_at_decision"),
                row.getBigDecimal("threshold_credits"), row.getString("stripe_customer_id"),
                row.getString("stripe_payment_method_id"), row.getString("payment_intent_id"), row.getInteger("attempts"),
                row.getString("last_error"), row.getUUID("ledger_entry_id"), Rows.instant(row, "decided_at"),
                Rows.instant(row, "settled_at"));
    }
}
