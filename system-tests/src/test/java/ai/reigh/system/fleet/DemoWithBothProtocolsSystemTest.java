package ai.reigh.system.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.devtools.demo.DemoReport;
import ai.reigh.devtools.http.PlatformClient;
import ai.reigh.devtools.seed.DemoRound;
import ai.reigh.devtools.seed.DemoUsers;
import ai.reigh.devtools.seed.Seeder;
import ai.reigh.devtools.worker.ReferenceWorker;
import ai.reigh.devtools.worker.WorkerOptions;
import ai.reigh.devtools.worker.WorkerStats;

/**
 * {@code ./reigh demo} with both kinds of workers draining one queue: the seeded demo tasks are run by
 * reference workers of the platform's protocol and of the deployed fleet's protocol side by side (each
 * demo user's own workers, so that no other test's task is taken), every task ends Complete, both
 * protocols did some of the work, and the report says which did what and that every ledger balances.
 */
class DemoWithBothProtocolsSystemTest {
    private static final Duration DRAIN = Duration.ofSeconds(180);

    private static ReferenceWorker worker(List<String> tokens, String protocol, String runType, String prefix) {
        List<String> args = new ArrayList<>(List.of("--gateway", SystemUnderTest.shared().gatewayUrl(), "--protocol",
                protocol, "--run-type", runType, "--workers", "1", "--task-seconds", "0.3", "--output-bytes", "40000",
                "--wait-seconds", "2", "--heartbeat-seconds", "1", "--id-prefix", prefix, "--quiet"));
        tokens.forEach(token -> {
            args.add("--token");
            args.add(token);
        });
        return new ReferenceWorker(WorkerOptions.parse(args.toArray(String[]::new)), System.out);
    }

    private static long unfinished() {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.count("SELECT count(*) FROM tasks WHERE user_id IN (?, ?) AND status IN ('Queued', 'In Progress')",
                    DemoUsers.ALICE, DemoUsers.BOB);
        }
    }

    @Test
    void theDemoQueueIsDrainedByWorkersOfBothProtocols() throws Exception {
        String gateway = SystemUnderTest.shared().gatewayUrl();
        PlatformClient alice = new PlatformClient(gateway, Tokens.user(DemoUsers.ALICE));
        PlatformClient bob = alice.as(Tokens.user(DemoUsers.BOB));
        Seeder seeder = new Seeder(alice, bob, alice.as(Tokens.admin(UUID.randomUUID())), System.out);
        seeder.seed();
        assertThat(unfinished()).as("the demo queue").isGreaterThan(4);

        List<ReferenceWorker> workers = new ArrayList<>();
        for (UUID owner : List.of(DemoUsers.ALICE, DemoUsers.BOB)) {
            String tag = owner.equals(DemoUsers.ALICE) ? "alice" : "bob";
            workers.add(worker(List.of(Tokens.localWorker(owner)), "reigh", "gpu", "demo-gpu-" + tag));
            workers.add(worker(List.of(Tokens.localFleetWorker(owner, "demo-fleet-" + tag)), "supabase", "gpu",
                    "demo-fleet-" + tag));
        }
        workers.add(worker(List.of(Tokens.localWorker(DemoUsers.BOB)), "reigh", "api", "demo-api-bob"));
        ExecutorService running = Executors.newFixedThreadPool(workers.size());
        List<Future<WorkerStats>> runs = new ArrayList<>();
        workers.forEach(worker -> runs.add(running.submit(worker::run)));
        try {
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (unfinished() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            assertThat(unfinished()).as("the demo queue drained").isZero();
        } finally {
            workers.forEach(ReferenceWorker::stop);
            for (Future<WorkerStats> run : runs) {
                run.get();
            }
            running.shutdown();
        }
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (sql.count("SELECT count(*) FROM task_outbox o JOIN tasks t ON t.id = o.task_id"
                    + " WHERE t.user_id IN (?, ?) AND o.delivered_at IS NULL", DemoUsers.ALICE, DemoUsers.BOB) > 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE user_id IN (?, ?) AND status <> 'Complete'",
                    DemoUsers.ALICE, DemoUsers.BOB)).as("every demo task completed").isZero();
        }

        Map<String, PlatformClient> users = new LinkedHashMap<>();
        users.put("alice", alice);
        users.put("bob", bob);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoReport report = new DemoReport(new PrintStream(printed, true, StandardCharsets.UTF_8), "demo-fleet");
        boolean balanced = report.print(users);
        System.out.println(printed.toString(StandardCharsets.UTF_8));
        assertThat(balanced).as("every ledger balances").isTrue();
        assertThat(report.completedByPlatformProtocol()).as("tasks done by the platform's protocol").isPositive();
        assertThat(report.completedByFleetProtocol()).as("tasks done by the fleet's protocol").isPositive();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("of the deployed fleet's protocol");

        // A second demo: the seed adds nothing, so each demo queues a round of its own (once per round).
        List<String> projects = seeder.seed();
        assertThat(unfinished()).as("the idempotent seed queues nothing the second time").isZero();
        List<String> round = new DemoRound(alice).queue(projects.get(0), "second-demo");
        assertThat(round).hasSize(DemoRound.IMAGES + 2).doesNotHaveDuplicates();
        assertThat(unfinished()).as("a fresh round of demo work").isEqualTo(round.size());
        assertThat(new DemoRound(alice).queue(projects.get(0), "second-demo")).as("the same round again").isEqualTo(round);
        assertThat(unfinished()).isEqualTo(round.size());
        // Left queued, the round would be work for other tests' cloud workers.
        round.forEach(task -> alice.post("/v1/tasks/" + task + "/cancel", Map.of()).expect(200, 409));
        assertThat(unfinished()).isZero();
    }
}
