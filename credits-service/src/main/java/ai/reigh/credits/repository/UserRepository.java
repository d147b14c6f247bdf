package ai.reigh.credits.repository;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What credits-service may see of {@code users} (owned by projects-service): the balance. The row is
 * provisioned through {@code reigh_ensure_user} (SECURITY DEFINER) when a user reaches credits before
 * projects; credits never writes {@code users} otherwise (the ledger trigger moves the balance).
 */
@ApplicationScoped
public class UserRepository {
    static final String BALANCE = "SELECT total_credits FROM users WHERE id = $1";
    static final String ENSURE = "SELECT reigh_ensure_user($1, $2)";

    /** Longer addresses are refused by the users table; provisioning then proceeds without one. */
    static final int MAX_EMAIL_LENGTH = 320;

    /** The balance, or null when the user has no row yet. */
    public Uni<BigDecimal> balance(SqlConnection connection, UUID userId) {
        return connection.preparedQuery(BALANCE).execute(Tuple.of(userId)).map(rows -> {
            var iterator = rows.iterator();
            return iterator.hasNext() ? iterator.next().getBigDecimal("total_credits") : null;
        });
    }

    /** Creates the user's row if missing (a concurrent creator is harmless: ON CONFLICT DO NOTHING). */
    public Uni<Void> ensure(SqlConnection connection, UUID userId, String email) {
        String acceptedEmail = email != null && email.length() <= MAX_EMAIL_LENGTH ? email : null;
        return connection.preparedQuery(ENSURE).execute(Tuple.of(userId, acceptedEmail)).replaceWithVoid();
    }
}
