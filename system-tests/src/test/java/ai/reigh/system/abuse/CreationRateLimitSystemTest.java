package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Task creation is rate limited per user (tasks-service's CreationRateLimiter: a bucket of 200 refilled
 * at 50 per second): a burst from many threads at once gets 429 problems with {@code Retry-After};
 * every task that was answered 201 exists and nothing else does; another user is not affected; after
 * waiting as told, the user creates again.
 */
class CreationRateLimitSystemTest {

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    @Test
    void aBurstOfCreationsIsCutWith429AndRetryAfterAndNothingIsLost() throws Exception {
        UUID user = UUID.randomUUID();
        String token = Tokens.user(user);
        Api.as(token).get("/v1/me").then().statusCode(200);
        String project = Api.as(token).body(Map.of("name", "burst")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        int threads = 16;
        int maxRequests = 3000;
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger created = new AtomicInteger();
        AtomicBoolean limited = new AtomicBoolean();
        List<Response> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(() -> {
                start.await();
                // Keep going a little after the first refusal, so that refusals are seen from many threads.
                while (sent.incrementAndGet() <= maxRequests && refusals.size() < 50) {
                    Response answer = Api.as(token).body(Map.of("project_id", project, "task_type", "single_image",
                            "params", Map.of("prompt", "burst"))).post("/v1/tasks");
                    if (answer.statusCode() == 201) {
                        created.incrementAndGet();
                    } else {
                        limited.set(true);
                        refusals.add(answer);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> thread : running) {
            thread.get();
        }
        pool.shutdown();
        assertThat(limited).as("the burst was limited within " + maxRequests + " requests").isTrue();
        assertThat(created.get()).as("the bucket's burst went through").isGreaterThanOrEqualTo(200);
        for (Response refusal : refusals) {
            Problems.assertProblem(refusal, 429, "rate_limited", "burst");
            assertThat(Integer.parseInt(refusal.header("Retry-After"))).isBetween(1, 60);
        }
        try (SqlSession sql = SqlSession.as("postgres")) {
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid", project))
                    .as("exactly the tasks answered 201 exist").isEqualTo(created.get());
        }
        // Another user is not affected.
        UUID other = UUID.randomUUID();
        String otherToken = Tokens.user(other);
        Api.as(otherToken).get("/v1/me").then().statusCode(200);
        String otherProject = Api.as(otherToken).body(Map.of("name", "calm")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        Api.as(otherToken).body(Map.of("project_id", otherProject, "task_type", "single_image", "params", Map.of()))
                .post("/v1/tasks").then().statusCode(201);
        // After the time it was told, the limited user creates again.
        int wait = Integer.parseInt(refusals.get(refusals.size() - 1).header("Retry-After"));
        Instant retryAt = Instant.now().plusSeconds(wait);
        while (Instant.now().isBefore(retryAt)) {
            Thread.sleep(Duration.between(Instant.now(), retryAt).toMillis() + 1);
        }
        Api.as(token).body(Map.of("project_id", project, "task_type", "single_image", "params", Map.of()))
                .post("/v1/tasks").then().statusCode(201);
    }
}
