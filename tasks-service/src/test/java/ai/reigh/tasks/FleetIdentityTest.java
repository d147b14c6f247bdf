package ai.reigh.tasks;

import static ai.reigh.tasks.Fleet.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.ReighTestEnvironment;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * One credential per worker: the fleet sends no lease token, so its credential is the fence. A worker
 * JWT names its worker; a personal access token is bound to the first worker it names; a body's
 * {@code worker_id} that is not the credential's is refused (403) on every call that carries one, and
 * nothing is written for it.
 */
@QuarkusTest
class FleetIdentityTest {

    private static String personalAccessToken(Fixtures.Owner owner) {
        return Api.as(owner.token()).body(Map.of("name", "my own GPU"))
                .post(ReighTestEnvironment.sibling("projects").url() + "/v1/me/tokens").then().statusCode(201)
                .extract().path("token");
    }

    private static void assertRefused(Response answer, String code) {
        answer.then().statusCode(403).contentType("application/problem+json").body("code", equalTo(code));
    }

    @Test
    void aBodyWorkerIdThatIsNotTheTokensIsRefusedOnEveryCallThatNamesOne() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String token = Tokens.localFleetWorker(owner.userId(), "gpu-a");
        String before = Fleet.snapshot(taskId);

        assertRefused(Fleet.call(token, "claim-next-task", body("worker_id", "gpu-b", "run_type", "gpu")),
                "worker_id_mismatch");
        assertRefused(Fleet.beat(token, "gpu-b", "active"), "worker_id_mismatch");
        assertRefused(Fleet.call(token, "update-worker-model", body("worker_id", "gpu-b", "current_model", "wan-2.2")),
                "worker_id_mismatch");
        assertThat(Fleet.snapshot(taskId)).as("nothing claimed for another worker").isEqualTo(before);
        assertThat(Fleet.count("SELECT count(*) FROM workers WHERE id = 'gpu-b'")).isZero();

        // The token's own worker gets the task.
        assertThat(Fleet.claim(token, "gpu-a")).isEqualTo(taskId);
        assertThat(Fleet.column(taskId, "worker_id")).isEqualTo("gpu-a");
    }

    @Test
    void aWorkerTokenThatNamesNoWorkerCannotActButCanRead() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String anonymous = owner.localWorker();
        assertRefused(Fleet.call(anonymous, "claim-next-task", body("worker_id", "whoever", "run_type", "gpu")),
                "worker_identity_required");
        assertRefused(Fleet.status(anonymous, body("task_id", taskId, "status", "Failed", "output_location", "x")),
                "worker_identity_required");
        assertThat(Fixtures.status(taskId)).isEqualTo("Queued");
        Fleet.call(anonymous, "get-task-status", body("task_id", taskId)).then().statusCode(200)
                .body("status", equalTo("Queued"));
        // A user token is not a worker's at all.
        Fleet.call(owner.token(), "get-task-status", body("task_id", taskId)).then().statusCode(403);
        // A malformed worker id in the token is not a credential.
        String malformed = Tokens.builder().subject("w").groups("worker").claim("reigh_worker_id", "").sign();
        Fleet.call(malformed, "get-task-status", body("task_id", taskId)).then().statusCode(401);
    }

    @Test
    void aPersonalAccessTokenIsBoundToTheFirstWorkerItNames() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        String pat = personalAccessToken(owner);
        // Before it names a worker it holds nothing.
        Fleet.status(pat, body("task_id", taskId, "status", "Failed", "output_location", "early")).then().statusCode(409)
                .body("code", equalTo("lease_lost"));

        Fleet.beat(pat, "home-gpu", "active").then().statusCode(200).body("success", equalTo(true));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT worker_id FROM personal_access_tokens WHERE user_id = ?", owner.userId()))
                    .isEqualTo("home-gpu");
        }
        assertRefused(Fleet.call(pat, "claim-next-task", body("worker_id", "second-gpu", "run_type", "gpu")),
                "worker_id_mismatch");
        assertThat(Fixtures.status(taskId)).isEqualTo("Queued");
        assertThat(Fleet.claim(pat, "home-gpu")).isEqualTo(taskId);
        Fleet.status(pat, body("task_id", taskId, "status", "In Progress", "reset_generation_started_at", true)).then()
                .statusCode(200);
    }

    @Test
    void twoWorkersRacingToBindOneTokenLeaveExactlyOneBound() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String pat = personalAccessToken(owner);
        int racers = 8;
        CyclicBarrier barrier = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            String workerId = "racer-" + i;
            answers.add(pool.submit(() -> {
                barrier.await();
                return Fleet.beat(pat, workerId, "active").statusCode();
            }));
        }
        int accepted = 0;
        for (Future<Integer> answer : answers) {
            int status = answer.get();
            assertThat(status).isIn(200, 403);
            accepted += status == 200 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(accepted).as("exactly one worker got the token").isEqualTo(1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            Object bound = sql.value("SELECT worker_id FROM personal_access_tokens WHERE user_id = ?", owner.userId());
            assertThat(sql.count("SELECT count(*) FROM workers WHERE user_id = ? AND id LIKE 'racer-%'", owner.userId()))
                    .as("only the bound worker was registered").isEqualTo(1);
            assertThat(sql.value("SELECT id FROM workers WHERE user_id = ? AND id LIKE 'racer-%'", owner.userId()))
                    .isEqualTo(bound);
        }
    }
}
