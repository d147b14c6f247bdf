package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * {@code POST /v1/workers/tasks/complete}: the tasks of a batch completed in one request and one
 * transaction, each with its own outcome (what its own {@code /complete} would have answered), replays
 * and races answered exactly once, and a worker's heartbeat never deadlocking with its batch.
 */
@QuarkusTest
class BatchCompletionTest {
    private static final String PATH = "/v1/workers/tasks/complete";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    /** Tasks of {@code owners} owners (five each: the per-owner cap), held by the cloud worker {@code workerId}. */
    private static List<Fixtures.Claimed> held(String workerId, int owners) {
        List<Fixtures.Claimed> held = new ArrayList<>();
        for (int o = 0; o < owners; o++) {
            List<UUID> ids = Fixtures.insertTasks(Fixtures.owner(), "single_image", 5);
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                for (List<Object> row : sql.query("""
                        UPDATE tasks SET status = 'In Progress', lease_token = gen_random_uuid(), attempts = 1,
                                         lease_expires_at = now() + interval '60 seconds', worker_id = ?,
                                         generation_started_at = now()
                        WHERE id = ANY(?::uuid[]) RETURNING id, lease_token""", workerId, array(ids))) {
                    held.add(new Fixtures.Claimed((UUID) row.get(0), (UUID) row.get(1)));
                }
            }
        }
        assertThat(held).as("held tasks").hasSize(owners * 5);
        return held;
    }

    /** A PostgreSQL array literal of the ids (a text parameter, cast in the statement). */
    private static String array(List<UUID> ids) {
        return "{" + String.join(",", ids.stream().map(UUID::toString).toList()) + "}";
    }

    private static Map<String, Object> completion(Fixtures.Claimed task, Object... more) {
        Map<String, Object> completion = body("task_id", task.taskId(), "lease_token", task.leaseToken(),
                "output_location", "https://cdn.test/" + task.taskId() + ".png");
        completion.putAll(body(more));
        return completion;
    }

    private static Response completeAll(String worker, List<Map<String, Object>> completions) {
        return Api.as(worker).body(Map.of("completions", completions)).post(PATH);
    }

    private static long count(String sql, Object... args) {
        try (SqlSession session = SqlSession.as("reigh_owner").actingAsService()) {
            return session.count(sql, args);
        }
    }

    @Test
    void aBatchCompletesItsTasksInOneTransactionAndEachMakesOneGenerationAndOneCharge() {
        List<Fixtures.Claimed> tasks = held("batcher", 2);
        List<Map<String, Object>> completions = new ArrayList<>();
        tasks.forEach(task -> completions.add(completion(task, "result_data", Map.of("seconds", 1.5))));

        Response answer = completeAll(Tokens.worker(), completions);
        answer.then().statusCode(200);
        for (int k = 0; k < tasks.size(); k++) {
            assertThat(answer.<String>path("results[" + k + "].task_id")).isEqualTo(tasks.get(k).taskId().toString());
            assertThat(answer.<Integer>path("results[" + k + "].status")).isEqualTo(200);
            assertThat(answer.<String>path("results[" + k + "].task.status")).isEqualTo("Complete");
            assertThat(answer.<String>path("results[" + k + "].task.output_location"))
                    .isEqualTo("https://cdn.test/" + tasks.get(k).taskId() + ".png");
            assertThat(answer.<Object>path("results[" + k + "].error")).isNull();
        }
        String ids = array(tasks.stream().map(Fixtures.Claimed::taskId).toList());
        // One transaction wrote them all: every row carries the same transaction id.
        assertThat(count("SELECT count(DISTINCT xmin::text) FROM tasks WHERE id = ANY(?::uuid[])", ids)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM tasks WHERE id = ANY(?::uuid[]) AND result_data = '{\"seconds\": 1.5}'::jsonb"
                + " AND lease_token IS NULL", ids)).isEqualTo(tasks.size());
        Fixtures.await("a generation and a spend per task", DELIVERY, () -> count(
                "SELECT count(*) FROM generations WHERE task_id = ANY(?::uuid[])", ids) == tasks.size()
                && count("SELECT count(*) FROM credits_ledger WHERE task_id = ANY(?::uuid[]) AND type = 'spend'", ids)
                        == tasks.size());

        // The whole batch again (a worker whose first request timed out): every completion replays.
        Response replay = completeAll(Tokens.worker(), completions);
        replay.then().statusCode(200);
        for (int k = 0; k < tasks.size(); k++) {
            assertThat(replay.<Integer>path("results[" + k + "].status")).isEqualTo(200);
            assertThat(replay.<String>path("results[" + k + "].task.generation_processed_at"))
                    .isEqualTo(answer.<String>path("results[" + k + "].task.generation_processed_at"));
        }
        assertThat(count("SELECT count(*) FROM task_outbox WHERE task_id = ANY(?::uuid[])", ids)).isEqualTo(2L * tasks.size());
    }

    @Test
    void eachCompletionHasTheOutcomeItsOwnRequestWouldHaveHad() {
        List<Fixtures.Claimed> tasks = held("mixed", 1);
        Fixtures.Claimed good = tasks.get(0);
        Fixtures.Claimed lost = tasks.get(1);
        Fixtures.Claimed badUrl = tasks.get(2);
        Fixtures.Claimed bothOutputs = tasks.get(3);
        Fixtures.Claimed completedBefore = tasks.get(4);
        Fixtures.takeLeaseBack(lost.taskId());
        Api.as(Tokens.worker()).body(body("lease_token", completedBefore.leaseToken(), "output_location",
                "https://cdn.test/first.png")).post("/v1/workers/tasks/" + completedBefore.taskId() + "/complete")
                .then().statusCode(200);
        Fixtures.Claimed unknown = new Fixtures.Claimed(UUID.randomUUID(), UUID.randomUUID());

        Response answer = completeAll(Tokens.worker(), List.of(completion(good), completion(lost),
                completion(badUrl, "output_location", "file:///etc/passwd"),
                completion(bothOutputs, "object_id", UUID.randomUUID()),
                completion(completedBefore, "output_location", "https://cdn.test/second.png"), completion(unknown)));
        answer.then().statusCode(200)
                .body("results[0].status", equalTo(200)).body("results[0].task.status", equalTo("Complete"))
                .body("results[1].status", equalTo(409)).body("results[1].error.code", equalTo("lease_lost"))
                .body("results[2].status", equalTo(400)).body("results[2].error.errors[0].field", equalTo("output_location"))
                .body("results[3].status", equalTo(400)).body("results[3].error.code", equalTo("validation_failed"))
                .body("results[4].status", equalTo(409)).body("results[4].error.code", equalTo("conflict"))
                .body("results[5].status", equalTo(404)).body("results[5].error.code", equalTo("not_found"));
        assertThat(answer.<Object>path("results[0].error")).isNull();
        assertThat(answer.<Object>path("results[1].task")).isNull();

        assertThat(Fixtures.status(good.taskId())).isEqualTo("Complete");
        assertThat(Fixtures.status(lost.taskId())).isEqualTo("Queued");
        // Refused completions wrote nothing: their tasks are still held, and can still complete.
        assertThat(Fixtures.status(badUrl.taskId())).isEqualTo("In Progress");
        assertThat(Fixtures.status(bothOutputs.taskId())).isEqualTo("In Progress");
        assertThat(Fixtures.column(completedBefore.taskId(), "output_location")).isEqualTo("https://cdn.test/first.png");
        completeAll(Tokens.worker(), List.of(completion(badUrl), completion(bothOutputs))).then().statusCode(200)
                .body("results[0].status", equalTo(200)).body("results[1].status", equalTo(200));
    }

    @Test
    void theEnvelopeIsValidatedAsAWhole() {
        List<Fixtures.Claimed> tasks = held("enveloper", 1);
        Fixtures.Claimed task = tasks.get(0);
        completeAll(Tokens.worker(), List.of()).then().statusCode(400).body("code", equalTo("validation_failed"));
        Api.as(Tokens.worker()).body(Map.of()).post(PATH).then().statusCode(400).body("code", equalTo("validation_failed"));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int k = 0; k < 51; k++) {
            tooMany.add(completion(new Fixtures.Claimed(UUID.randomUUID(), UUID.randomUUID())));
        }
        completeAll(Tokens.worker(), tooMany).then().statusCode(400).body("code", equalTo("validation_failed"));
        completeAll(Tokens.worker(), List.of(completion(task), completion(task))).then().statusCode(400)
                .body("errors[0].field", equalTo("completions"));
        completeAll(Tokens.worker(), List.of(body("task_id", task.taskId(), "output_location", "https://x/a.png")))
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        completeAll(Tokens.worker(), List.of(completion(task, "status", "Complete"))).then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        // Users are not workers; another owner's local worker sees none of these tasks.
        Fixtures.Owner stranger = Fixtures.owner();
        completeAll(stranger.token(), List.of(completion(task))).then().statusCode(403);
        completeAll(stranger.localWorker(), List.of(completion(task))).then().statusCode(200)
                .body("results[0].status", equalTo(404));
        assertThat(Fixtures.status(task.taskId())).isEqualTo("In Progress");
    }

    @Test
    void theSameBatchSentConcurrentlyCompletesEachTaskOnceAndAnswersEveryCopy() throws Exception {
        List<Fixtures.Claimed> tasks = held("impatient", 2);
        List<Map<String, Object>> completions = tasks.stream().map(task -> completion(task)).toList();
        int racers = 4;
        List<Response> answers = race(racers, racer -> completeAll(Tokens.worker(), completions));
        for (Response answer : answers) {
            answer.then().statusCode(200);
            for (int k = 0; k < tasks.size(); k++) {
                assertThat(answer.<Integer>path("results[" + k + "].status")).as("result %d", k).isEqualTo(200);
            }
        }
        String ids = array(tasks.stream().map(Fixtures.Claimed::taskId).toList());
        assertThat(count("SELECT count(*) FROM realtime_events WHERE row_id = ANY(?::uuid[]) AND status = 'Complete'", ids))
                .as("one Complete transition per task").isEqualTo(tasks.size());
        Fixtures.await("one spend per task", DELIVERY, () -> count(
                "SELECT count(*) FROM credits_ledger WHERE task_id = ANY(?::uuid[]) AND type = 'spend'", ids) == tasks.size());
    }

    /**
     * The worker's heartbeat renews the tasks it holds while its batch of the same tasks completes:
     * both lock the rows in id order, so neither waits for the other in a cycle (a deadlock would be a
     * 503 after PostgreSQL's deadlock timeout). The batch is sent in the reverse of id order.
     */
    @Test
    void aHeartbeatAndABatchOfTheSameTasksNeverDeadlock() throws Exception {
        for (int round = 0; round < 8; round++) {
            String workerId = "beating-" + round;
            List<Fixtures.Claimed> tasks = new ArrayList<>(held(workerId, 4));
            tasks.sort(Comparator.comparing(Fixtures.Claimed::taskId).reversed());
            List<Map<String, Object>> leases = tasks.stream()
                    .map(task -> body("task_id", task.taskId(), "lease_token", task.leaseToken())).toList();
            List<Map<String, Object>> completions = tasks.stream().map(task -> completion(task)).toList();
            List<Response> answers = race(4, racer -> racer == 0 ? completeAll(Tokens.worker(), completions)
                    : Api.as(Tokens.worker()).body(Map.of("worker_id", workerId, "leases", leases))
                            .post("/v1/workers/heartbeat"));
            for (Response answer : answers) {
                assertThat(answer.statusCode()).as("round %d: %s", round, answer.asString()).isEqualTo(200);
            }
            for (int k = 0; k < tasks.size(); k++) {
                assertThat(answers.get(0).<Integer>path("results[" + k + "].status")).isEqualTo(200);
            }
        }
    }

    private interface Racer {
        Response call(int racer);
    }

    /** Runs the racers at once (a barrier) and returns their answers in racer order. */
    private static List<Response> race(int racers, Racer racer) throws Exception {
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (int k = 0; k < racers; k++) {
                int which = k;
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return racer.call(which);
                }));
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
