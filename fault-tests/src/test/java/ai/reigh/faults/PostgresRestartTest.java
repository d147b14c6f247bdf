package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.SystemUnderTest;

/**
 * Scenario 2: PostgreSQL stops at once ({@code pg_ctl stop -m immediate}, as in a crash) while users
 * create tasks and workers run them, then starts again. While it is down every service says it is not
 * ready (503 on {@code /q/health/ready}); once it is back they are ready again by themselves within
 * seconds (their pools reconnect), the clients' retries succeed, and the invariants hold.
 */
class PostgresRestartTest {
    private static final String SCENARIO = "PostgreSQL restarted mid-load";
    private static final int CREATOR_THREADS = 4;
    private static final int TASKS_PER_CREATOR = 6;

    private boolean crashed;

    @Test
    void servicesReportNotReadyWhileTheDatabaseIsDownAndRecoverByThemselves() throws Exception {
        try (LoadUnderFault load = LoadUnderFault.start("pgcrash", CREATOR_THREADS, TASKS_PER_CREATOR,
                Duration.ofMillis(300))) {
            load.awaitMidLoad();
            EmbeddedPostgres postgres = EmbeddedPostgres.shared();
            // A commit the services acknowledged must survive the crash, as in production (the test cluster
            // runs with synchronous_commit=off otherwise, and then loses the last acknowledged tasks).
            assertThat((Object) Platform.sql(sql -> sql.value("SHOW synchronous_commit"))).isEqualTo("on");
            long crashedAt = System.nanoTime();
            crashed = true;
            postgres.crash();
            double notReady = Await.until("every service reports not-ready (503) while the database is down",
                    Duration.ofSeconds(30), () -> SystemUnderTest.SERVICES.stream()
                            .allMatch(service -> Platform.readiness(service) == 503));
            postgres.restart();
            double downSeconds = (System.nanoTime() - crashedAt) / 1e9;
            double readyAgain = Await.until("every service ready again by itself", Duration.ofSeconds(30), () ->
                    SystemUnderTest.SERVICES.stream().allMatch(service -> Platform.readiness(service) == 200));
            assertThat(readyAgain).as("services reconnect within seconds").isLessThan(15.0);

            // Every task a user was answered for survives the crash, one per key (finish checks it).
            load.finish();
            assertThat(load.creators().statuses().keySet()).as("failures a client can retry, never a 500")
                    .isSubsetOf(-1, 200, 201, 502, 503, 504);

            Map<String, Object> checked = Invariants.check(SCENARIO, load.ledger());
            load.figures(SCENARIO).put("faults_injected", 1).put("all_not_ready_within_s", notReady)
                    .put("database_down_s", downSeconds).put("all_ready_again_within_s", readyAgain)
                    .putAll(checked).print();
        } finally {
            restartIfDown();
        }
    }

    /** A failed assertion while the database is down must not leave it down for the next scenario. */
    private void restartIfDown() {
        if (!crashed) {
            return;
        }
        try (java.sql.Connection probe = EmbeddedPostgres.shared().connectAs(EmbeddedPostgres.OWNER)) {
            probe.isValid(2);
        } catch (java.sql.SQLException down) {
            EmbeddedPostgres.shared().restart();
        }
    }
}
