package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.credits.service.LedgerInvariantCheck;
import io.quarkus.test.junit.QuarkusTest;

/** The money invariant as a metric operators alert on: users whose balance is not the sum of their ledger. */
@QuarkusTest
class LedgerInvariantMetricTest {
    private static final String METRIC = "reigh_credits_ledger_mismatched_users";

    @Inject
    LedgerInvariantCheck check;

    @Test
    void aBalanceMovedBehindTheLedgersBackIsCountedAndExported() {
        UUID user = Fixtures.user();
        Fixtures.grant(user, "3");
        check.check().await().atMost(Duration.ofSeconds(30));
        long before = check.lastCount();
        assertThat(before).as("checked").isNotNegative();

        Fixtures.shiftBalanceBehindTheLedger(user, "0.5");
        try {
            check.check().await().atMost(Duration.ofSeconds(30));
            assertThat(check.lastCount()).isEqualTo(before + 1);
            String metrics = Api.management().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).containsPattern("(?m)^" + METRIC + "(\\{[^}]*\\})? " + (before + 1) + "\\.0$");
        } finally {
            Fixtures.shiftBalanceBehindTheLedger(user, "-0.5");
        }
        check.check().await().atMost(Duration.ofSeconds(30));
        assertThat(check.lastCount()).isEqualTo(before);
    }
}
