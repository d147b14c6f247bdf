package ai.reigh.common.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.Migrations;
import ai.reigh.common.testing.SqlSession;

/** The ledger is append-only for everyone, and the balance always equals the sum of the entries. */
class LedgerImmutabilityTest {
    private static UUID user;

    @BeforeAll
    static void data() {
        Migrations.ensureApplied();
        user = SchemaFixtures.user();
        SchemaFixtures.grant(user, "100");
    }

    @Test
    void updateDeleteAndTruncateAreRefusedToTheServiceRole() {
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.failureOf("UPDATE credits_ledger SET amount = 1 WHERE user_id = ?", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(credits.failureOf("DELETE FROM credits_ledger WHERE user_id = ?", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(credits.failureOf("TRUNCATE credits_ledger")).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
        }
    }

    @Test
    void updateDeleteAndTruncateAreRefusedEvenToTheTableOwner() {
        try (SqlSession owner = SqlSession.as(EmbeddedPostgres.OWNER).actingAsService()) {
            long entries = owner.count("SELECT count(*) FROM credits_ledger WHERE user_id = ?", user);
            assertThat(owner.failureOf("UPDATE credits_ledger SET amount = 1 WHERE user_id = ?", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(owner.failureOf("DELETE FROM credits_ledger WHERE user_id = ?", user))
                    .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            // CASCADE: the auto top-up charges reference the ledger, and a plain TRUNCATE would be refused for
            // that (0A000) before the privilege is checked; with CASCADE only the privilege stands in the way.
            assertThat(owner.failureOf("TRUNCATE credits_ledger CASCADE")).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            assertThat(owner.count("SELECT count(*) FROM credits_ledger WHERE user_id = ?", user)).isEqualTo(entries);
        }
    }

    @Test
    void onlyASpendMayTakeTheBalanceBelowZero() {
        UUID poor = SchemaFixtures.user();
        SchemaFixtures.grant(poor, "1");
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.failureOf("INSERT INTO credits_ledger (user_id, amount, type, idempotency_key) VALUES (?, -5, 'manual', ?)",
                    poor, "grant:" + UUID.randomUUID())).isEqualTo(PgErrors.CHECK_VIOLATION);
            credits.update("INSERT INTO credits_ledger (user_id, amount, type, task_id) VALUES (?, -3.5, 'spend', ?)",
                    poor, UUID.randomUUID());
            assertThat(balance(credits, poor)).isEqualByComparingTo("-2.5");
            assertThat(balance(credits, poor)).isEqualByComparingTo(ledgerSum(credits, poor));
        }
    }

    @Test
    void oneSpendPerTask() {
        UUID task = UUID.randomUUID();
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            credits.update("INSERT INTO credits_ledger (user_id, amount, type, task_id) VALUES (?, -1, 'spend', ?)", user, task);
            assertThat(credits.failureOf("INSERT INTO credits_ledger (user_id, amount, type, task_id) VALUES (?, -1, 'spend', ?)",
                    user, task)).isEqualTo(PgErrors.UNIQUE_VIOLATION);
            assertThat(balance(credits, user)).isEqualByComparingTo(ledgerSum(credits, user));
        }
    }

    static BigDecimal balance(SqlSession session, UUID user) {
        return new BigDecimal(session.value("SELECT total_credits::text FROM users WHERE id = ?", user).toString());
    }

    static BigDecimal ledgerSum(SqlSession session, UUID user) {
        return new BigDecimal(session.value("SELECT coalesce(sum(amount), 0)::text FROM credits_ledger WHERE user_id = ?", user)
                .toString());
    }
}
