package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import ai.reigh.common.auth.PersonalAccessTokens;
import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The claim: every rule of what is claimable, model affinity, and exactly-once under concurrency. */
@QuarkusTest
class ClaimTest {

    private static List<String> claimedIds(Response answer) {
        if (answer.statusCode() == 204) {
            return List.of();
        }
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        return answer.path("tasks.id");
    }

    private static void failFinal(String worker, UUID taskId, UUID lease) {
        Api.as(worker).body(body("lease_token", lease, "error", "done", "retryable", false))
                .post("/v1/workers/tasks/" + taskId + "/fail").then().statusCode(200);
    }

    @Test
    void onlyClaimableTasksAreHandedOut() {
        Fixtures.drainQueue();
        Fixtures.Owner ready = Fixtures.owner();
        Fixtures.Owner broke = Fixtures.owner(BigDecimal.ZERO);
        Fixtures.Owner localOnly = Fixtures.owner();
        localOnly.settings("{\"ui\": {\"generationMethods\": {\"inCloud\": false}}}");
        Fixtures.Owner explicitCloud = Fixtures.owner();
        explicitCloud.settings("{\"ui\": {\"generationMethods\": {\"inCloud\": true}}}");

        UUID claimable = Fixtures.createTask(ready, "single_image");
        UUID dependency = Fixtures.createTask(ready, "single_image");
        UUID waiting = Fixtures.createTask(ready, "image_edit", Map.of(), List.of(dependency));
        UUID api = Fixtures.createTask(ready, "qwen_image");
        UUID noCredits = Fixtures.createTask(broke, "single_image");
        UUID notInCloud = Fixtures.createTask(localOnly, "single_image");
        UUID inCloud = Fixtures.createTask(explicitCloud, "single_image");
        UUID backingOff = Fixtures.createTask(ready, "single_image");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET run_after = now() + interval '1 hour' WHERE id = ?", backingOff);
        }

        String cloud = Tokens.worker();
        Response first = Fixtures.claim(cloud, body("worker_id", "rules-gpu", "limit", 50));
        assertThat(claimedIds(first)).containsExactlyInAnyOrder(claimable.toString(), dependency.toString(),
                inCloud.toString());
        assertThat((Integer) first.path("tasks[0].attempt")).isEqualTo(1);
        assertThat(claimedIds(Fixtures.claim(cloud, body("worker_id", "rules-api", "run_type", "api", "limit", 50))))
                .containsExactly(api.toString());

        // Completing the dependency makes its dependant claimable.
        UUID lease = UUID.fromString(first.path("tasks.find { it.id == '" + dependency + "' }.lease_token"));
        Api.as(cloud).body(body("lease_token", lease, "output_location", "https://x/dep.png"))
                .post("/v1/workers/tasks/" + dependency + "/complete").then().statusCode(200);
        assertThat(claimedIds(Fixtures.claim(cloud, body("worker_id", "rules-gpu", "limit", 50))))
                .containsExactly(waiting.toString());

        // The owner's own worker ignores inCloud, and sees nobody else's tasks.
        assertThat(claimedIds(Fixtures.claim(localOnly.localWorker(), body("worker_id", "home-pc", "limit", 50))))
                .containsExactly(notInCloud.toString());
        assertThat(claimedIds(Fixtures.claim(broke.localWorker(), body("worker_id", "broke-pc", "limit", 50)))).isEmpty();
        assertThat(Fixtures.status(noCredits)).isEqualTo("Queued");
        assertThat(Fixtures.status(backingOff)).isEqualTo("Queued");

        // The claim registered each worker in its owner's namespace (cloud workers: user_id NULL).
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT user_id FROM workers WHERE id = 'home-pc'")).isEqualTo(localOnly.userId());
            assertThat(sql.value("SELECT status FROM workers WHERE id = 'rules-gpu' AND user_id IS NULL"))
                    .isEqualTo("active");
        }
    }

    @Test
    void aPersonalAccessTokenIsALocalWorkerOfItsOwner() {
        Fixtures.drainQueue();
        Fixtures.Owner owner = Fixtures.owner();
        owner.settings("{\"ui\": {\"generationMethods\": {\"inCloud\": false}}}");
        Fixtures.Owner other = Fixtures.owner();
        String pat = PersonalAccessTokens.newSecret();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO personal_access_tokens (user_id, name, token_hash, token_prefix) VALUES (?, 'home', ?, ?)",
                    owner.userId(), PersonalAccessTokens.hash(pat), PersonalAccessTokens.displayPrefix(pat));
        }
        UUID foreign = Fixtures.createTask(other, "single_image");
        UUID mine = Fixtures.createTask(owner, "single_image");
        Response claim = Fixtures.claim(pat, body("worker_id", "pat-" + UUID.randomUUID(), "limit", 10));
        assertThat(claimedIds(claim)).containsExactly(mine.toString());
        UUID lease = UUID.fromString(claim.path("tasks[0].lease_token"));
        Api.as(pat).body(body("lease_token", lease, "output_location", "https://x/pat.png"))
                .post("/v1/workers/tasks/" + mine + "/complete").then().statusCode(200);
        assertThat(Fixtures.status(foreign)).isEqualTo("Queued");
        // A token is a worker, not its user: the user routes are closed to it.
        Api.as(pat).get("/v1/tasks").then().statusCode(403);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE personal_access_tokens SET revoked_at = now() WHERE token_hash = ?", PersonalAccessTokens.hash(pat));
        }
        Fixtures.claim(pat, body("worker_id", "pat-revoked")).then().statusCode(401);
    }

    /**
     * A worker that has not reported a model yet (the deployed fleet's first claims, which always ask for
     * {@code same_model_only}) takes a task that names no model: "no model" is not a model to match,
     * so nothing goes first and everything younger than the wait limit is simply oldest first. (The
     * statement once compared the two absences, found them not distinct, and skipped such tasks.)
     */
    @Test
    void aWorkerWithoutAModelYetTakesATaskThatNamesNoModel() {
        Fixtures.drainQueue();
        Fixtures.Owner owner = Fixtures.owner();
        UUID noModel = Fixtures.createTask(owner, "single_image");
        assertThat(claimedIds(Fixtures.claim(Tokens.worker(), body("worker_id", "fresh-no-model", "same_model_only", true,
                "max_task_wait_minutes", new BigDecimal("5"))))).containsExactly(noModel.toString());
    }

    @Test
    void sameModelTasksGoFirstUnlessAnOlderOneHasWaitedTooLong() {
        Fixtures.drainQueue();
        String worker = Tokens.worker();
        Api.as(worker).body(body("worker_id", "affinity", "current_model", "flux")).post("/v1/workers/heartbeat").then()
                .statusCode(200);
        List<Fixtures.Owner> owners = List.of(Fixtures.owner(), Fixtures.owner(), Fixtures.owner(), Fixtures.owner());
        UUID oldWan = Fixtures.createTask(owners.get(0), "single_image", Map.of("model_name", "wan"), List.of());
        UUID wan = Fixtures.createTask(owners.get(1), "single_image", Map.of("model_name", "wan"), List.of());
        UUID flux = Fixtures.createTask(owners.get(2), "single_image", Map.of("model_name", "flux"), List.of());
        UUID noModel = Fixtures.createTask(owners.get(3), "single_image");
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET created_at = now() - interval '10 minutes' WHERE id = ?", oldWan);
            sql.update("UPDATE tasks SET created_at = now() - interval '2 minutes' WHERE id = ?", wan);
        }
        // Waited 10 minutes > 5: first whatever its model; then the worker's model; then the oldest.
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Response answer = Fixtures.claim(worker, body("worker_id", "affinity", "same_model_only", true,
                    "max_task_wait_minutes", new BigDecimal("5")));
            order.add(claimedIds(answer).get(0));
        }
        assertThat(order).containsExactly(oldWan.toString(), flux.toString(), wan.toString(), noModel.toString());

        Fixtures.drainQueue();
        UUID oldWan2 = Fixtures.createTask(owners.get(0), "single_image", Map.of("model_name", "wan"), List.of());
        UUID flux2 = Fixtures.createTask(owners.get(1), "single_image", Map.of("model_name", "flux"), List.of());
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("UPDATE tasks SET created_at = now() - interval '10 minutes' WHERE id = ?", oldWan2);
        }
        // A decimal limit of 30.5 minutes: the old task has not waited that long, the model goes first.
        assertThat(claimedIds(Fixtures.claim(worker, body("worker_id", "affinity", "same_model_only", true,
                "max_task_wait_minutes", new BigDecimal("30.5"))))).containsExactly(flux2.toString());
        // Without same_model_only: oldest first.
        UUID flux3 = Fixtures.createTask(owners.get(2), "single_image", Map.of("model_name", "flux"), List.of());
        assertThat(claimedIds(Fixtures.claim(worker, body("worker_id", "affinity"))))
                .containsExactly(oldWan2.toString());
        assertThat(Fixtures.status(flux3)).isEqualTo("Queued");
    }

    @Test
    void claimRequestsAreValidated() {
        String worker = Tokens.worker();
        Fixtures.claim(worker, body("worker_id", "v", "limit", 0)).then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        Fixtures.claim(worker, body("worker_id", "v", "limit", 51)).then().statusCode(400);
        Fixtures.claim(worker, body("worker_id", "v", "wait_seconds", 31)).then().statusCode(400);
        Fixtures.claim(worker, body("worker_id", "v", "run_type", "cpu")).then().statusCode(400);
        Fixtures.claim(worker, body("worker_id", "v", "max_task_wait_minutes", -1)).then().statusCode(400);
        Fixtures.claim(worker, body("worker_id", "x".repeat(129))).then().statusCode(400);
        Fixtures.claim(worker, body("limit", 1)).then().statusCode(400).body("errors[0].field", equalTo("worker_id"));
        Fixtures.claim(worker, body("worker_id", "v", "lease_token", UUID.randomUUID())).then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        Fixtures.claim(Tokens.user(UUID.randomUUID()), body("worker_id", "v")).then().statusCode(403)
                .body("code", equalTo("forbidden"));
        Api.given().contentType("application/json").body(body("worker_id", "v")).post("/v1/workers/claim").then()
                .statusCode(401);
    }

    /**
     * {@code max_task_wait_minutes} feeds the starvation cutoff: a decimal whose plain form is longer
     * than 100 characters is refused where the body is read (400 naming it), never converted.
     */
    @Test
    void extremeMaxTaskWaitMinutesAre400() {
        String worker = Tokens.worker();
        for (String number : List.of("1e-10000000", "1e10000000", "-1e-10000000", "1e-101", "1e101", "1e-99",
                "0." + "1".repeat(99), "9".repeat(101))) {
            Response answer = Api.as(worker).body("{\"worker_id\": \"bounds\", \"same_model_only\": true,"
                    + " \"max_task_wait_minutes\": " + number + "}").post("/v1/workers/claim");
            assertThat(answer.statusCode()).as(number + ": " + answer.asString()).isEqualTo(400);
            assertThat(answer.jsonPath().getString("errors[0].field")).as(number).isEqualTo("max_task_wait_minutes");
        }
        for (String number : List.of("-0", "0." + "1".repeat(98), "1e-98", "10080")) {
            Response answer = Api.as(worker).body("{\"worker_id\": \"bounds\", \"same_model_only\": true,"
                    + " \"max_task_wait_minutes\": " + number + "}").post("/v1/workers/claim");
            assertThat(answer.statusCode()).as(number + ": " + answer.asString()).isIn(200, 204);
        }
    }

    @Test
    void sixteenConcurrentClaimersClaimTwoHundredTasksExactlyOnce() throws Exception {
        Fixtures.drainQueue();
        List<UUID> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tasks.addAll(Fixtures.insertTasks(Fixtures.owner(), "single_image", 4));
        }
        int claimers = 16;
        CyclicBarrier start = new CyclicBarrier(claimers);
        Map<String, Integer> claims = new ConcurrentHashMap<>();
        AtomicInteger remaining = new AtomicInteger(tasks.size());
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                String workerId = "race-" + c;
                running.add(pool.submit(() -> {
                    String worker = Tokens.worker();
                    start.await();
                    int empty = 0;
                    while (remaining.get() > 0 && empty < 50) {
                        Response answer = Fixtures.claim(worker, body("worker_id", workerId, "limit",
                                ThreadLocalRandom.current().nextInt(1, 6)));
                        List<String> got = claimedIds(answer);
                        empty = got.isEmpty() ? empty + 1 : 0;
                        for (int i = 0; i < got.size(); i++) {
                            claims.merge(got.get(i), 1, Integer::sum);
                            remaining.decrementAndGet();
                            failFinal(worker, UUID.fromString(got.get(i)),
                                    UUID.fromString(answer.path("tasks[" + i + "].lease_token")));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> claimer : running) {
                claimer.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(claims.keySet()).containsExactlyInAnyOrderElementsOf(tasks.stream().map(UUID::toString).toList());
        assertThat(claims.values()).allMatch(times -> times == 1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE id = ANY (?) AND attempts = 1 AND status = 'Failed'",
                    sql.connection().createArrayOf("uuid", tasks.toArray()))).isEqualTo(200);
        }
    }

    @Test
    void thirtyTwoConcurrentClaimersNeverRunMoreThanFiveTasksOfOneOwner() throws Exception {
        Fixtures.drainQueue();
        Fixtures.Owner owner = Fixtures.owner();
        List<UUID> tasks = Fixtures.insertTasks(owner, "single_image", 120);
        int claimers = 32;
        CyclicBarrier start = new CyclicBarrier(claimers + 1);
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(claimers + 1);
        try {
            Future<?> sampler = pool.submit(() -> {
                try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                    start.await();
                    while (running.get()) {
                        samples.add(sql.count("SELECT count(*) FROM tasks WHERE user_id = ? AND status = 'In Progress'"
                                + " AND NOT is_orchestrator", owner.userId()));
                    }
                }
                return null;
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                String workerId = "cap-" + c;
                workers.add(pool.submit(() -> {
                    String worker = Tokens.worker();
                    start.await();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                    while (claimed.size() < tasks.size() && System.nanoTime() < deadline) {
                        Response answer = Fixtures.claim(worker, body("worker_id", workerId, "limit",
                                ThreadLocalRandom.current().nextInt(1, 4)));
                        List<String> got = claimedIds(answer);
                        if (got.isEmpty()) {
                            Thread.sleep(5);
                            continue;
                        }
                        claimed.addAll(got);
                        Thread.sleep(ThreadLocalRandom.current().nextInt(5, 30));
                        for (int i = 0; i < got.size(); i++) {
                            failFinal(worker, UUID.fromString(got.get(i)),
                                    UUID.fromString(answer.path("tasks[" + i + "].lease_token")));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(120, TimeUnit.SECONDS);
            }
            running.set(false);
            sampler.get(10, TimeUnit.SECONDS);
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
        assertThat(new HashSet<>(claimed)).hasSize(tasks.size());
        assertThat(claimed).hasSize(tasks.size());
        assertThat(samples).hasSizeGreaterThan(50);
        long max = samples.stream().mapToLong(Long::longValue).max().orElse(0);
        assertThat(max).as("most In Progress at once, over %d samples", samples.size()).isLessThanOrEqualTo(5);
        assertThat(max).as("the cap was reached (the test exercises it)").isEqualTo(5);
        Set<Long> seen = new HashSet<>(samples);
        assertThat(seen).contains(5L);
    }
}
