package ai.reigh.tasks;

import static ai.reigh.tasks.Fleet.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.tasks.service.Reaper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Orchestrators as the fleet runs them: children created with the ids the worker chose (idempotent on
 * them, 200), the parent found in their params and held by the caller; the orchestrator handed over
 * with "orchestrating" waits without a lease (the reaper leaves it alone, no attempt is spent) and is
 * completed by the platform when its last child completes — once, even when the last two complete at
 * the same moment — or failed when a child ends badly.
 */
@QuarkusTest
class FleetOrchestratorTest {
    @Inject
    Reaper reaper;

    /** A claimed orchestrator and the worker holding it. */
    private record Held(Fixtures.Owner owner, UUID orchestrator, String token, String runId) {
    }

    private static Held orchestrator(String workerId) {
        Fixtures.Owner owner = Fixtures.owner();
        UUID orchestrator = Fixtures.createTask(owner, "travel_orchestrator", Map.of("prompt", "a coastal journey"),
                List.of());
        String token = Tokens.localFleetWorker(owner.userId(), workerId);
        assertThat(Fleet.claim(token, workerId)).isEqualTo(orchestrator);
        return new Held(owner, orchestrator, token, "run-" + UUID.randomUUID());
    }

    private static Map<String, Object> segment(Held held, UUID childId, int index) {
        return body("family", "travel_segment", "project_id", held.owner().projectId(), "input", body("task_id",
                childId.toString(), "orchestrator_task_id_ref", held.orchestrator().toString(), "orchestrator_run_id",
                held.runId(), "segment_index", index, "prompt", "segment " + index, "dependant_on", null));
    }

    private static Map<String, Object> stitch(Held held, UUID childId, List<UUID> segments) {
        return body("family", "travel_stitch", "project_id", held.owner().projectId(), "input", body("task_id",
                childId.toString(), "orchestrator_details", Map.of("orchestrator_task_id", held.orchestrator().toString(),
                        "run_id", held.runId()), "dependant_on", segments.stream().map(UUID::toString).toList()));
    }

    private static UUID create(Held held, Map<String, Object> request) {
        Response created = Fleet.call(held.token(), "create-task", request);
        assertThat(created.statusCode()).as("create-task: " + created.asString()).isEqualTo(200);
        return UUID.fromString(created.path("task_id"));
    }

    /** Runs a child through the fleet's protocol as another worker of the owner would. */
    private static void runChild(Held held, String workerId, UUID child, String output) {
        String token = Tokens.localFleetWorker(held.owner().userId(), workerId);
        assertThat(Fleet.claim(token, workerId)).isEqualTo(child);
        Fleet.status(token, body("task_id", child, "status", "In Progress", "reset_generation_started_at", true)).then()
                .statusCode(200);
        Fleet.call(token, "complete_task", body("task_id", child, "output_location", output)).then().statusCode(200);
    }

    private static long charges(UUID taskId) {
        return Fleet.count("SELECT count(*) FROM task_outbox WHERE task_id = ? AND kind = 'charge'", taskId);
    }

    @Test
    void childrenGetTheIdsTheWorkerChoseAndAreIdempotentOnThem() {
        Held held = orchestrator("creator");
        UUID chosen = UUID.randomUUID();
        Map<String, Object> request = segment(held, chosen, 0);
        assertThat(create(held, request)).isEqualTo(chosen);
        // The worker retried after a timeout: the same task, 200 again.
        assertThat(create(held, request)).isEqualTo(chosen);
        assertThat(Fleet.count("SELECT count(*) FROM tasks WHERE id = ?", chosen)).isEqualTo(1);
        assertThat(Fleet.column(chosen, "parent_task_id")).isEqualTo(held.orchestrator());
        assertThat(Fleet.column(chosen, "project_id")).isEqualTo(held.owner().projectId());
        assertThat(Fleet.column(chosen, "params::text")).asString().doesNotContain("\"task_id\"").contains("segment 0");
        // The same id with other content is someone else's request.
        Map<String, Object> changed = segment(held, chosen, 1);
        Fleet.call(held.token(), "create-task", changed).then().statusCode(409);
        // A child must name its orchestrator, be in its project, and come from the worker that holds it.
        Fleet.call(held.token(), "create-task", body("family", "travel_segment", "project_id", held.owner().projectId(),
                "input", body("task_id", UUID.randomUUID().toString()))).then().statusCode(400);
        Fleet.call(held.token(), "create-task", body("family", "travel_segment", "project_id",
                held.owner().anotherProject(), "input", body("task_id", UUID.randomUUID().toString(),
                        "orchestrator_task_id_ref", held.orchestrator().toString()))).then().statusCode(400);
        String other = Tokens.localFleetWorker(held.owner().userId(), "not-the-holder");
        Fleet.call(other, "create-task", segment(held, UUID.randomUUID(), 2)).then().statusCode(409)
                .body("code", equalTo("lease_lost"));
        String stranger = Tokens.localFleetWorker(Fixtures.owner().userId(), "stranger");
        Fleet.call(stranger, "create-task", segment(held, UUID.randomUUID(), 3)).then().statusCode(404);
        assertThat(Fleet.count("SELECT count(*) FROM tasks WHERE parent_task_id = ?", held.orchestrator())).isEqualTo(1);
    }

    @Test
    void anOrchestratorWaitsWithoutALeaseAndThePlatformCompletesItWhenItsLastChildCompletes() {
        Held held = orchestrator("travel-1");
        UUID first = create(held, segment(held, UUID.randomUUID(), 0));
        UUID second = create(held, segment(held, UUID.randomUUID(), 1));
        UUID stitch = create(held, stitch(held, UUID.randomUUID(), List.of(first, second)));
        Fleet.status(held.token(), body("task_id", held.orchestrator(), "status", "In Progress", "output_location",
                "[ORCHESTRATING] 3 children queued")).then().statusCode(200).body("status", equalTo("In Progress"));
        // Retried report: nothing more to do.
        Fleet.status(held.token(), body("task_id", held.orchestrator(), "status", "In Progress", "output_location",
                "[ORCHESTRATING] 3 children queued")).then().statusCode(200);
        assertThat(Fixtures.status(held.orchestrator())).isEqualTo("In Progress");
        assertThat(Fleet.column(held.orchestrator(), "lease_token")).isNull();
        assertThat(Fleet.column(held.orchestrator(), "lease_expires_at")).isNull();
        assertThat(Fleet.column(held.orchestrator(), "worker_id")).isNull();
        assertThat(Fleet.column(held.orchestrator(), "awaiting_children_since")).isNotNull();
        // Its worker's heartbeats and crash do not touch it; the reaper leaves it alone.
        Fleet.beat(held.token(), "travel-1", "crashed").then().statusCode(200);
        reaper.runOnce().await().atMost(Duration.ofSeconds(10));
        assertThat(Fixtures.status(held.orchestrator())).isEqualTo("In Progress");
        assertThat(Fleet.column(held.orchestrator(), "attempts")).isEqualTo(1);

        runChild(held, "segment-worker", first, "https://cdn.test/seg-0.mp4");
        runChild(held, "segment-worker", second, "https://cdn.test/seg-1.mp4");
        assertThat(Fixtures.status(held.orchestrator())).isEqualTo("In Progress");

        // What the stitch reads before it runs.
        String reader = Tokens.localFleetWorker(held.owner().userId(), "stitch-worker");
        Fleet.call(reader, "get-predecessor-output", body("task_id", stitch)).then().statusCode(200)
                .body("all_complete", equalTo(true)).body("predecessor_id", equalTo(first.toString()))
                .body("output_location", equalTo("https://cdn.test/seg-0.mp4"))
                .body("predecessors[1].output_location", equalTo("https://cdn.test/seg-1.mp4"));
        Response segments = Fleet.call(reader, "get-completed-segments", body("run_id", held.runId(), "project_id",
                held.owner().projectId()));
        segments.then().statusCode(200).body("$", hasSize(2)).body("[0].segment_index", equalTo(0))
                .body("[1].output_location", equalTo("https://cdn.test/seg-1.mp4"));
        Fleet.call(reader, "get-orchestrator-children", body("orchestrator_task_id", held.orchestrator())).then()
                .statusCode(200).body("tasks", hasSize(3)).body("tasks[0].id", equalTo(first.toString()))
                .body("tasks[2].task_type", equalTo("travel_stitch")).body("tasks[0].status", equalTo("Complete"));

        runChild(held, "stitch-worker", stitch, "https://cdn.test/final.mp4");
        assertThat(Fixtures.status(held.orchestrator())).isEqualTo("Complete");
        assertThat(Fleet.column(held.orchestrator(), "output_location")).isEqualTo("https://cdn.test/final.mp4");
        assertThat(charges(held.orchestrator())).as("the orchestrator goes through billing once").isEqualTo(1);
        Fleet.call(held.token(), "get-task-status", body("task_id", held.orchestrator())).then()
                .body("status", equalTo("Complete"));
    }

    @Test
    void aChildThatFailsFailsTheWaitingOrchestratorAndItsOtherChildren() {
        Held held = orchestrator("travel-fail");
        UUID first = create(held, segment(held, UUID.randomUUID(), 0));
        UUID second = create(held, segment(held, UUID.randomUUID(), 1));
        Fleet.status(held.token(), body("task_id", held.orchestrator(), "status", "In Progress", "output_location",
                "orchestrating")).then().statusCode(200);
        String worker = Tokens.localFleetWorker(held.owner().userId(), "unlucky");
        assertThat(Fleet.claim(worker, "unlucky")).isEqualTo(first);
        Fleet.status(worker, body("task_id", first, "status", "Failed", "output_location", "bad prompt")).then()
                .statusCode(200);
        assertThat(Fixtures.status(held.orchestrator())).isEqualTo("Failed");
        assertThat((String) Fleet.column(held.orchestrator(), "error_message")).contains(first.toString())
                .contains("Failed");
        assertThat(Fixtures.status(second)).isEqualTo("Cancelled");
        assertThat(charges(held.orchestrator())).isZero();
    }

    @Test
    void theLastTwoChildrenCompletingAtOnceCompleteTheOrchestratorOnce() throws Exception {
        for (int round = 0; round < 4; round++) {
            Held held = orchestrator("pair-" + round);
            UUID left = create(held, segment(held, UUID.randomUUID(), 0));
            UUID right = create(held, segment(held, UUID.randomUUID(), 1));
            Fleet.status(held.token(), body("task_id", held.orchestrator(), "status", "In Progress", "output_location",
                    "orchestrating")).then().statusCode(200);
            String a = Tokens.localFleetWorker(held.owner().userId(), "left-" + round);
            String b = Tokens.localFleetWorker(held.owner().userId(), "right-" + round);
            assertThat(Fleet.claim(a, "left-" + round)).isEqualTo(left);
            assertThat(Fleet.claim(b, "right-" + round)).isEqualTo(right);
            CyclicBarrier barrier = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Integer>> answers = new ArrayList<>();
            answers.add(pool.submit(() -> {
                barrier.await();
                return Fleet.call(a, "complete_task", body("task_id", left, "output_location", "https://cdn.test/l.mp4"))
                        .statusCode();
            }));
            answers.add(pool.submit(() -> {
                barrier.await();
                return Fleet.call(b, "complete_task", body("task_id", right, "output_location", "https://cdn.test/r.mp4"))
                        .statusCode();
            }));
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
            pool.shutdown();
            // A settlement lost between the two would be the reaper's to make; either way, exactly once.
            Fixtures.await("the orchestrator to complete", Duration.ofSeconds(20), () -> {
                if (!"Complete".equals(Fixtures.status(held.orchestrator()))) {
                    reaper.runOnce().await().atMost(Duration.ofSeconds(10));
                }
                return "Complete".equals(Fixtures.status(held.orchestrator()));
            });
            assertThat(charges(held.orchestrator())).isEqualTo(1);
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                assertThat(sql.count("SELECT count(*) FROM realtime_events WHERE row_id = ? AND status = 'Complete'",
                        held.orchestrator())).as("one transition to Complete").isEqualTo(1);
            }
        }
    }

    @Test
    void anOrchestratorHandedOverAfterItsChildrenEndedIsSettledAtOnce() {
        Held held = orchestrator("late-report");
        UUID only = create(held, segment(held, UUID.randomUUID(), 0));
        runChild(held, "quick-child", only, "https://cdn.test/only.mp4");
        assertThat(Fixtures.status(held.orchestrator())).as("still held by its worker").isEqualTo("In Progress");
        Fleet.status(held.token(), body("task_id", held.orchestrator(), "status", "In Progress", "output_location",
                "orchestrating")).then().statusCode(200).body("status", equalTo("Complete"));
        assertThat(Fleet.column(held.orchestrator(), "output_location")).isEqualTo("https://cdn.test/only.mp4");
    }

    @Test
    void theReaperSettlesAWaitingOrchestratorWhoseSettlementWasLost() {
        Held held = orchestrator("lost-settlement");
        UUID only = create(held, segment(held, UUID.randomUUID(), 0));
        Fleet.status(held.token(), body("task_id", held.orchestrator(), "status", "In Progress", "output_location",
                "orchestrating")).then().statusCode(200);
        // The child completed, and the instance died before settling its orchestrator.
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET status = 'In Progress', lease_token = gen_random_uuid(),"
                    + " lease_expires_at = now() + interval '1 minute' WHERE id = ?", only);
            sql.update("UPDATE tasks SET status = 'Complete', output_location = 'https://cdn.test/x.mp4', lease_token = NULL,"
                    + " lease_expires_at = NULL WHERE id = ?", only);
        }
        assertThat(Fixtures.status(held.orchestrator())).isEqualTo("In Progress");
        reaper.runOnce().await().atMost(Duration.ofSeconds(10));
        assertThat(Fixtures.status(held.orchestrator())).isEqualTo("Complete");
        assertThat(charges(held.orchestrator())).isEqualTo(1);
    }

    @Test
    void theOrchestratorsHolderCancelsItsChildrenAndNoOneElseDoes() {
        Held held = orchestrator("canceller");
        UUID child = create(held, segment(held, UUID.randomUUID(), 0));
        String other = Tokens.localFleetWorker(held.owner().userId(), "meddler");
        Fleet.status(other, body("task_id", child, "status", "Cancelled")).then().statusCode(409);
        assertThat(Fixtures.status(child)).isEqualTo("Queued");
        Fleet.status(held.token(), body("task_id", child, "status", "Cancelled", "output_location",
                "Orchestrator cancelled")).then().statusCode(200).body("status", equalTo("Cancelled"));
        assertThat(Fixtures.status(child)).isEqualTo("Cancelled");
        Fleet.status(held.token(), body("task_id", child, "status", "Cancelled")).then().statusCode(409)
                .body("code", equalTo("invalid_transition"));
    }
}
