package ai.reigh.credits.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code credits_checkout_sessions}: the row is written before Stripe is called (its id is the
 * Idempotency-Key sent to Stripe), and completed with the session's id and URL afterwards.
 */
@ApplicationScoped
public class CheckoutSessionRepository {
    static final String COLUMNS = "id, user_id, mode, amount_cents, request_hash, stripe_session_id, url, created_at";
    /** A new row, or nothing when the user's idempotency key is taken (then {@link #BY_KEY}). */
    static final String INSERT = "INSERT INTO credits_checkout_sessions (user_id, mode, amount_cents, idempotency_key,"
            + " request_hash) VALUES ($1, $2, $3, $4, $5)"
            + " ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING " + COLUMNS;
    static final String BY_KEY = "SELECT " + COLUMNS + " FROM credits_checkout_sessions WHERE user_id = $1"
            + " AND idempotency_key = $2";
    /** Stripe answers the same session for the same key, so a second completion writes the same values. */
    static final String COMPLETE = "UPDATE credits_checkout_sessions SET stripe_session_id = $2, url = $3"
            + " WHERE id = $1 RETURNING " + COLUMNS;

    public Uni<CheckoutSessionRow> insert(SqlConnection connection, UUID userId, String mode, Integer amountCents,
            String idempotencyKey, String requestHash) {
        return connection.preparedQuery(INSERT)
                .execute(Tuple.tuple().addValue(userId).addValue(mode).addValue(amountCents).addValue(idempotencyKey)
                        .addValue(requestHash))
                .map(rows -> Rows.first(rows, CheckoutSessionRepository::map));
    }

    public Uni<CheckoutSessionRow> byKey(SqlConnection connection, UUID userId, String idempotencyKey) {
        return connection.preparedQuery(BY_KEY).execute(Tuple.of(userId, idempotencyKey))
                .map(rows -> Rows.first(rows, CheckoutSessionRepository::map));
    }

    public Uni<CheckoutSessionRow> complete(SqlConnection connection, UUID id, String stripeSessionId, String url) {
        return connection.preparedQuery(COMPLETE).execute(Tuple.of(id, stripeSessionId, url))
                .map(rows -> Rows.first(rows, CheckoutSessionRepository::map));
    }

    static CheckoutSessionRow map(Row row) {
        return new CheckoutSessionRow(row.getUUID("id"), row.getUUID("user_id"), row.getString("mode"),
                row.getInteger("amount_cents"), row.getString("request_hash"), row.getString("stripe_session_id"),
                row.getString("url"), Rows.instant(row, "created_at"));
    }
}
