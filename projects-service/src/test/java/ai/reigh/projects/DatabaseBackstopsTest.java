package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The pool's backstops end to end: a request that waits on a lock held elsewhere (an operator's open
 * transaction, a stuck job) is cut at {@code lock_timeout} (5 s in tests) and answers 503
 * {@code service_unavailable} with Retry-After, changes nothing, and goes through once the lock is gone.
 */
@QuarkusTest
class DatabaseBackstopsTest {

    @Test
    void aRequestWaitingOnAHeldLockIsCutShortWith503AndChangesNothing() throws Exception {
        User user = Fixtures.user();
        String id = Fixtures.project(user, "Before");
        try (SqlSession holder = SqlSession.as("reigh_projects").actingAsUser(user.id())) {
            Connection connection = holder.connection();
            connection.setAutoCommit(false);
            assertThat(holder.query("SELECT id FROM projects WHERE id = ?::uuid FOR UPDATE", id)).hasSize(1);

            // Off the test thread, bounded: without the backstop the request would wait for this
            // transaction, which ends only after it (the finally ends it when the wait fails the test).
            long started = System.nanoTime();
            CompletableFuture<Response> request = CompletableFuture.supplyAsync(
                    () -> Api.as(user.token()).body(Map.of("name", "After")).patch("/v1/projects/" + id));
            try {
                Response cut = request.get(30, TimeUnit.SECONDS);
                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                cut.then().statusCode(503).contentType("application/problem+json")
                        .body("code", equalTo("service_unavailable")).header("Retry-After", equalTo("2"));
                assertThat(waited).as("cut at lock_timeout, not before").isGreaterThanOrEqualTo(Duration.ofMillis(4_900));
            } finally {
                connection.rollback();
            }
        }
        Api.as(user.token()).get("/v1/projects/" + id).then().statusCode(200).body("name", equalTo("Before"));
        Api.as(user.token()).body(Map.of("name", "After")).patch("/v1/projects/" + id).then().statusCode(200)
                .body("name", equalTo("After"));
    }
}
