package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Worker ids live in namespaces: a local worker's id is its owner's, cloud workers' ids are the
 * platform's. A local worker that takes {@code gpu-1} first no longer locks the cloud's {@code gpu-1}
 * out (it was a 409), and neither can touch the other's tasks: claims, lease renewals, cancellation
 * notices and crash releases all match the worker's owner as well as its id.
 */
@QuarkusTest
class WorkerNamespacesTest {
    private static final String GPU_1 = "gpu-1";

    @Test
    void aLocalAndACloudGpu1EachWorkOnlyTheirOwnTasks() {
        Fixtures.drainQueue();
        Fixtures.Owner home = Fixtures.owner();
        home.settings("{\"ui\": {\"generationMethods\": {\"inCloud\": false}}}");
        String local = home.localWorker();
        UUID localFirst = Fixtures.createTask(home, "single_image");
        UUID localSecond = Fixtures.createTask(home, "single_image");
        // The local worker takes gpu-1 first.
        Response localClaim = Fixtures.claim(local, body("worker_id", GPU_1, "limit", 2));
        assertThat(localClaim.statusCode()).as(localClaim.asString()).isEqualTo(200);
        assertThat(localClaim.<List<String>>path("tasks.id")).containsExactlyInAnyOrder(localFirst.toString(),
                localSecond.toString());

        // A cloud gpu-1 claims as usual: its own namespace.
        Fixtures.Owner customer = Fixtures.owner();
        UUID cloudTask = Fixtures.createTask(customer, "single_image");
        String cloud = Tokens.worker();
        Response cloudClaim = Fixtures.claim(cloud, body("worker_id", GPU_1));
        assertThat(cloudClaim.statusCode()).as(cloudClaim.asString()).isEqualTo(200);
        assertThat(cloudClaim.<List<String>>path("tasks.id")).containsExactly(cloudTask.toString());
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM workers WHERE id = ? AND user_id IS NULL", GPU_1)).isEqualTo(1);
            assertThat(sql.count("SELECT count(*) FROM workers WHERE id = ? AND user_id = ?", GPU_1, home.userId()))
                    .isEqualTo(1);
        }

        // The cloud gpu-1 names the local gpu-1's task: not renewed (lost), its own is.
        Instant localLease = Fixtures.instant(localFirst, "lease_expires_at");
        Instant cloudLease = Fixtures.instant(cloudTask, "lease_expires_at");
        Response cloudBeat = heartbeat(cloud, "active", cloudTask, localFirst);
        assertThat(cloudBeat.<List<String>>path("lost_task_ids")).containsExactly(localFirst.toString());
        assertThat(Fixtures.instant(localFirst, "lease_expires_at")).isEqualTo(localLease);
        assertThat(Fixtures.instant(cloudTask, "lease_expires_at")).isAfter(cloudLease);

        // A cancellation is told to the worker that held the task, not to its namesake.
        Api.as(home.token()).post("/v1/tasks/" + localSecond + "/cancel").then().statusCode(200);
        assertThat(heartbeat(cloud, "active", cloudTask, localSecond).<List<String>>path("cancel_task_ids")).isEmpty();
        assertThat(heartbeat(local, "active", localFirst, localSecond).<List<String>>path("cancel_task_ids"))
                .containsExactly(localSecond.toString());

        // The cloud gpu-1 crashes: its task goes back to the queue, the local one's stays with it.
        heartbeat(cloud, "crashed");
        assertThat(Fixtures.status(cloudTask)).isEqualTo("Queued");
        assertThat(Fixtures.status(localFirst)).isEqualTo("In Progress");
        assertThat(Fixtures.column(localFirst, "worker_user_id")).isEqualTo(home.userId());
        // It comes back and takes its task again; then the local gpu-1 crashes: only its own task is released.
        assertThat(Fixtures.claim(cloud, body("worker_id", GPU_1)).<List<String>>path("tasks.id"))
                .containsExactly(cloudTask.toString());
        heartbeat(local, "crashed");
        assertThat(Fixtures.status(localFirst)).isEqualTo("Queued");
        assertThat(Fixtures.status(cloudTask)).isEqualTo("In Progress");
        assertThat(Fixtures.column(cloudTask, "worker_user_id")).isNull();
        assertThat(heartbeat(cloud, "active", cloudTask).<List<String>>path("lost_task_ids")).isEmpty();
    }

    @Test
    void twoOwnersLocalWorkersMayBothBeGpu1AndTheAdminViewTellsThemApart() {
        Fixtures.drainQueue();
        Fixtures.Owner alice = Fixtures.owner();
        Fixtures.Owner bob = Fixtures.owner();
        UUID aliceTask = Fixtures.createTask(alice, "single_image");
        UUID bobTask = Fixtures.createTask(bob, "single_image");
        UUID bobOther = Fixtures.createTask(bob, "single_image");
        assertThat(Fixtures.claim(alice.localWorker(), body("worker_id", GPU_1)).<List<String>>path("tasks.id"))
                .containsExactly(aliceTask.toString());
        assertThat(Fixtures.claim(bob.localWorker(), body("worker_id", GPU_1, "limit", 2)).<List<String>>path("tasks.id"))
                .containsExactlyInAnyOrder(bobTask.toString(), bobOther.toString());
        // Each renews its own, never the other's.
        assertThat(heartbeat(alice.localWorker(), "active", aliceTask, bobTask).<List<String>>path("lost_task_ids"))
                .containsExactly(bobTask.toString());
        heartbeat(Tokens.worker(), "active");

        // The admin view: one row per worker, each with its own tasks; paging walks through all three.
        String admin = Tokens.admin(UUID.randomUUID());
        Map<String, Object> expected = new HashMap<>();
        expected.put("", 0);
        expected.put(alice.userId().toString(), 1);
        expected.put(bob.userId().toString(), 2);
        Map<String, Object> seen = new HashMap<>();
        List<String> order = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 100 && seen.size() < 3; page++) {
            var request = Api.as(admin).queryParam("limit", 1);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response answer = request.get("/v1/admin/workers");
            assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
            List<Map<String, Object>> items = answer.path("items");
            assertThat(items).hasSize(1);
            Map<String, Object> worker = items.get(0);
            String key = worker.get("user_id") == null ? "" : worker.get("user_id").toString();
            if (GPU_1.equals(worker.get("id")) && expected.containsKey(key)) {
                assertThat(seen.put(key, ((Number) worker.get("tasks_in_progress")).intValue())).as("seen once")
                        .isNull();
            }
            order.add(worker.get("id") + "/" + key);
            cursor = answer.path("next_cursor");
            assertThat(cursor != null || seen.size() == 3).as("more pages after " + order).isTrue();
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(order).doesNotHaveDuplicates();
    }

    private static Response heartbeat(String token, String status, UUID... taskIds) {
        Response answer = Api.as(token).body(body("worker_id", GPU_1, "status", status, "task_ids", List.of(taskIds)))
                .post("/v1/workers/heartbeat");
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        return answer;
    }
}
