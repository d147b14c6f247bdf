package ai.reigh.credits.repository;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** {@code credits_auto_top_ups}: one row per user who set a preference or saved a card. */
@ApplicationScoped
public class AutoTopUpRepository {
    static final String COLUMNS = "user_id, enabled, amount_cents, threshold_credits, stripe_customer_id,"
            + " stripe_payment_method_id, setup_completed_at, updated_at";
    static final String FIND = "SELECT " + COLUMNS + " FROM credits_auto_top_ups WHERE user_id = $1";
    /** Turning it off without amounts keeps the last ones (shown again when it is turned back on). */
    static final String SAVE_PREFERENCE = "INSERT INTO credits_auto_top_ups (user_id, enabled, amount_cents, threshold_credits)"
            + " VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET enabled = EXCLUDED.enabled,"
            + " amount_cents = coalesce(EXCLUDED.amount_cents, credits_auto_top_ups.amount_cents),"
            + " threshold_credits = coalesce(EXCLUDED.threshold_credits, credits_auto_top_ups.threshold_credits)"
            + " RETURNING " + COLUMNS;
    /**
     * The user's Stripe customer, created once: the first writer's id stays (a concurrent second
     * creation got the same customer from Stripe anyway: same idempotency key).
     */
    static final String SET_CUSTOMER = "INSERT INTO credits_auto_top_ups (user_id, stripe_customer_id) VALUES ($1, $2)"
            + " ON CONFLICT (user_id) DO UPDATE SET stripe_customer_id = coalesce(credits_auto_top_ups.stripe_customer_id,"
            + " EXCLUDED.stripe_customer_id) RETURNING " + COLUMNS;
    /** The card saved by a setup session; only for the customer the user's session was made with. */
    static final String SAVE_CARD = "UPDATE credits_auto_top_ups SET stripe_payment_method_id = $3,"
            + " setup_completed_at = coalesce(CASE WHEN stripe_payment_method_id = $3 THEN setup_completed_at END, now())"
            + " WHERE user_id = $1 AND stripe_customer_id = $2 RETURNING " + COLUMNS;

    public Uni<AutoTopUpRow> find(SqlConnection connection, UUID userId) {
        return connection.preparedQuery(FIND).execute(Tuple.of(userId)).map(rows -> Rows.first(rows, AutoTopUpRepository::map));
    }

    public Uni<AutoTopUpRow> savePreference(SqlConnection connection, UUID userId, boolean enabled, Integer amountCents,
            BigDecimal thresholdCredits) {
        return connection.preparedQuery(SAVE_PREFERENCE)
                .execute(Tuple.tuple().addValue(userId).addValue(enabled).addValue(amountCents).addValue(thresholdCredits))
                .map(rows -> Rows.first(rows, AutoTopUpRepository::map));
    }

    public Uni<AutoTopUpRow> setCustomer(SqlConnection connection, UUID userId, String customerId) {
        return connection.preparedQuery(SET_CUSTOMER).execute(Tuple.of(userId, customerId))
                .map(rows -> Rows.first(rows, AutoTopUpRepository::map));
    }

    /** The row with the card saved, or null when the customer is not the user's. */
    public Uni<AutoTopUpRow> saveCard(SqlConnection connection, UUID userId, String customerId, String paymentMethodId) {
        return connection.preparedQuery(SAVE_CARD).execute(Tuple.of(userId, customerId, paymentMethodId))
                .map(rows -> Rows.first(rows, AutoTopUpRepository::map));
    }

    static AutoTopUpRow map(Row row) {
        return new AutoTopUpRow(row.getUUID("user_id"), row.getBoolean("enabled"), row.getInteger("amount_cents"),
                row.getBigDecimal("threshold_credits"), row.getString("stripe_customer_id"),
                row.getString("stripe_payment_method_id"), Rows.instant(row, "setup_completed_at"),
                Rows.instant(row, "updated_at"));
    }
}
