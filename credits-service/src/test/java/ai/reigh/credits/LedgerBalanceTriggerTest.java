package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.SqlSession;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The ledger's balance trigger, in SQL: a statement's entries move each user's balance once, by their
 * sum, whatever their number; the refusals stay those of a single entry; statements over the same users
 * in any order never deadlock.
 */
@QuarkusTest
class LedgerBalanceTriggerTest {
    /** Spends of (user, amount) in one INSERT, in the order given (the trigger must not rely on it). */
    private static final String INSERT_SPENDS = "INSERT INTO credits_ledger (user_id, amount, type, task_id) "
            + "SELECT u, a, 'spend', gen_random_uuid() FROM unnest(?::uuid[], ?::numeric[]) WITH ORDINALITY AS s(u, a, n) ORDER BY n";

    @Test
    void aStatementMovesEachUsersBalanceOnceByTheSumOfItsEntries() throws SQLException {
        UUID hot = Fixtures.user();
        UUID other = Fixtures.user();
        Fixtures.grant(hot, "100");
        Fixtures.grant(other, "100");
        List<UUID> users = new ArrayList<>();
        List<BigDecimal> amounts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            users.add(hot);
            amounts.add(new BigDecimal("-0.125"));
        }
        users.add(other);
        amounts.add(new BigDecimal("-3.5"));

        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            Connection connection = credits.connection();
            connection.setAutoCommit(false);
            assertThat(credits.update(INSERT_SPENDS, array(connection, users), numbers(connection, amounts))).isEqualTo(51);
            // This transaction's own counters: two user rows updated, not one per entry.
            assertThat(credits.count("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'users'"))
                    .isEqualTo(2);
            connection.commit();
        }

        assertThat(Fixtures.balance(hot)).isEqualByComparingTo("93.75");
        assertThat(Fixtures.balance(other)).isEqualByComparingTo("96.5");
        assertThat(Fixtures.ledgerSum(hot)).isEqualByComparingTo(Fixtures.balance(hot));
        assertThat(Fixtures.ledgerSum(other)).isEqualByComparingTo(Fixtures.balance(other));
    }

    @Test
    void aStatementNamingAnUnknownUserIsRefusedWhole() throws SQLException {
        UUID known = Fixtures.user();
        Fixtures.grant(known, "10");
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            Connection connection = credits.connection();
            assertThat(credits.failureOf(INSERT_SPENDS, array(connection, List.of(known, UUID.randomUUID())),
                    numbers(connection, List.of(new BigDecimal("-1"), new BigDecimal("-1")))))
                    .isEqualTo(PgErrors.FOREIGN_KEY_VIOLATION);
        }
        assertThat(Fixtures.balance(known)).isEqualByComparingTo("10");
        assertThat(Fixtures.entries("user_id = ?", known)).isEqualTo(1);
    }

    @Test
    void onlyASpendMayTakeABalanceBelowZero() {
        UUID user = Fixtures.user();
        Fixtures.grant(user, "2");
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.failureOf("INSERT INTO credits_ledger (user_id, amount, type, idempotency_key) "
                    + "VALUES (?, -3, 'manual', ?)", user, "debit-" + user)).isEqualTo(PgErrors.CHECK_VIOLATION);
            assertThat(Fixtures.balance(user)).isEqualByComparingTo("2");
            assertThat(credits.failureOf("INSERT INTO credits_ledger (user_id, amount, type, task_id) "
                    + "VALUES (?, -3, 'spend', gen_random_uuid())", user)).isNull();
        }
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-1");
        assertThat(Fixtures.ledgerSum(user)).isEqualByComparingTo("-1");
    }

    @Test
    void statementsOverTheSameUsersInOppositeOrdersNeverDeadlock() {
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            UUID user = Fixtures.user();
            Fixtures.grant(user, "1000");
            users.add(user);
        }
        int rounds = 20;
        // Sixteen transactions at once, each spending from every user, half of them in reverse order,
        // each holding its locks for a moment before it commits.
        List<String> failures = Race.run(16, i -> {
            List<UUID> order = new ArrayList<>(users);
            if (i % 2 == 1) {
                Collections.reverse(order);
            }
            try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
                Connection connection = credits.connection();
                connection.setAutoCommit(false);
                for (int round = 0; round < rounds; round++) {
                    List<BigDecimal> amounts = Collections.nCopies(order.size(), new BigDecimal("-0.5"));
                    String failure = credits.failureOf(INSERT_SPENDS, array(connection, order), numbers(connection, amounts));
                    if (failure != null) {
                        connection.rollback();
                        return failure;
                    }
                    credits.update("SELECT pg_sleep(0.002)");
                    connection.commit();
                }
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            }
        });

        assertThat(failures).containsOnlyNulls();
        for (UUID user : users) {
            assertThat(Fixtures.balance(user)).isEqualByComparingTo(new BigDecimal(1000 - 16 * rounds * 0.5));
            assertThat(Fixtures.ledgerSum(user)).isEqualByComparingTo(Fixtures.balance(user));
        }
    }

    private static java.sql.Array array(Connection connection, List<UUID> users) throws SQLException {
        return connection.createArrayOf("uuid", users.toArray());
    }

    private static java.sql.Array numbers(Connection connection, List<BigDecimal> amounts) throws SQLException {
        return connection.createArrayOf("numeric", amounts.toArray());
    }
}
