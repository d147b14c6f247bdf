package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.PgErrors;
import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The money invariants, checked in SQL: the balance is the ledger's sum, and the ledger never changes. */
@QuarkusTest
class LedgerInvariantsTest {

    @Test
    void twentyConcurrentChargesAndGrantsKeepTheBalanceEqualToTheLedgerSum() {
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(120);
        UUID project = Fixtures.project(user);
        UUID[] tasks = new UUID[10];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = Fixtures.task(user, project, "travel_segment", "Complete", null, started, started.plusSeconds(10 + i));
        }

        List<Response> answers = Race.run(20, i -> {
            if (i % 2 == 0) {
                UUID task = tasks[i / 2];
                return Fixtures.postCharge(Fixtures.charge(task, user, "travel_segment", Map.of(), started,
                        started.plusSeconds(10 + i / 2)));
            }
            Map<String, Object> grant = Map.of("user_id", user.toString(), "amount", new BigDecimal("1.5"), "reason",
                    "race", "idempotency_key", "race-" + i);
            return Api.as(Tokens.admin(Fixtures.ADMIN)).body(grant).post("/v1/admin/credits/grants");
        });

        assertThat(answers).extracting(Response::statusCode).containsOnly(201);
        // Ten grants of 1.5, and 0.0278 × (10 + 11 + … + 19) = 0.0278 × 145 spent as ten rounded charges.
        BigDecimal spent = BigDecimal.ZERO;
        for (int i = 0; i < 10; i++) {
            spent = spent.add(new BigDecimal("0.0278").multiply(BigDecimal.valueOf(10 + i))
                    .setScale(3, java.math.RoundingMode.HALF_UP));
        }
        assertThat(Fixtures.balance(user)).isEqualByComparingTo(new BigDecimal("15").subtract(spent));
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.value("SELECT u.total_credits = (SELECT sum(amount) FROM credits_ledger l WHERE l.user_id = u.id) "
                    + "FROM users u WHERE u.id = ?", user)).isEqualTo(Boolean.TRUE);
            assertThat(credits.count("SELECT count(*) FROM credits_ledger WHERE user_id = ?", user)).isEqualTo(20);
        }
    }

    @Test
    void everyUsersBalanceEqualsTheSumOfTheirEntries() {
        // Across everything the other tests wrote as well.
        UUID user = Fixtures.user();
        Fixtures.grant(user, "3");
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.count("SELECT count(*) FROM users u WHERE u.total_credits <> "
                    + "coalesce((SELECT sum(amount) FROM credits_ledger l WHERE l.user_id = u.id), 0)")).isZero();
            assertThat(credits.count("SELECT count(*) FROM users")).isPositive();
        }
    }

    @Test
    void theLedgerRefusesUpdateDeleteAndTruncateThroughTheServiceRole() {
        UUID user = Fixtures.user();
        Fixtures.grant(user, "7");
        for (String actor : new String[] { "service", "admin", "user" }) {
            try (SqlSession credits = SqlSession.as("reigh_credits").acting(actor, user)) {
                assertThat(credits.failureOf("UPDATE credits_ledger SET amount = 1000 WHERE user_id = ?", user))
                        .as("UPDATE acting as %s", actor).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
                assertThat(credits.failureOf("DELETE FROM credits_ledger WHERE user_id = ?", user))
                        .as("DELETE acting as %s", actor).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
                assertThat(credits.failureOf("TRUNCATE credits_ledger")).as("TRUNCATE acting as %s", actor)
                        .isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
                assertThat(credits.failureOf("UPDATE users SET total_credits = 1000 WHERE id = ?", user))
                        .as("the balance itself, acting as %s", actor).isEqualTo(PgErrors.INSUFFICIENT_PRIVILEGE);
            }
        }
        assertThat(Fixtures.entries("user_id = ?", user)).isEqualTo(1);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("7");
    }

    @Test
    void aUserNeverSeesAnotherUsersEntries() {
        UUID alice = Fixtures.user();
        UUID bob = Fixtures.user();
        Fixtures.grant(alice, "11");
        Fixtures.grant(bob, "22");
        Fixtures.grant(bob, "33");

        Api.as(Tokens.user(alice)).get("/v1/credits/ledger").then().statusCode(200);
        List<String> aliceSees = Api.as(Tokens.user(alice)).get("/v1/credits/ledger").jsonPath().getList("items.user_id");
        assertThat(aliceSees).containsExactly(alice.toString());
        assertThat(Api.as(Tokens.user(bob)).get("/v1/credits/ledger").jsonPath().getList("items.user_id"))
                .containsOnly(bob.toString()).hasSize(2);

        // The second lock: row-level security hides Bob's rows from a transaction acting as Alice.
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsUser(alice)) {
            assertThat(credits.count("SELECT count(*) FROM credits_ledger WHERE user_id = ?", bob)).isZero();
            assertThat(credits.count("SELECT count(*) FROM credits_ledger WHERE user_id = ?", alice)).isEqualTo(1);
        }
    }
}
