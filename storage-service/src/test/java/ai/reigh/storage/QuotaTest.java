package ai.reigh.storage;

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

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.Fixtures.User;
import ai.reigh.storage.client.ObjectStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The per-user quota (1 MiB in the test profile), counted from ready objects. */
@QuarkusTest
class QuotaTest {
    private static final long QUOTA = 1_048_576;

    @Inject
    ObjectStore store;

    @Test
    void parallelConfirmationsNeverTakeAUserOverTheQuota() throws Exception {
        User user = User.create();
        int uploads = 10;
        int size = 200 * 1024;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            JsonPath ticket = Fixtures.presign(user, "public", "image/png", size, null);
            assertThat(Fixtures.put(ticket, Fixtures.bytes(size, 70 + i))).isEqualTo(200);
            ids.add(ticket.getString("object_id"));
        }
        CyclicBarrier together = new CyclicBarrier(uploads);
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        List<Future<JsonPath>> answers = new ArrayList<>();
        for (String id : ids) {
            answers.add(pool.submit(() -> {
                together.await();
                var answer = Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().extract();
                return new JsonPath("{\"status\":" + answer.statusCode() + ",\"body\":" + answer.asString() + "}");
            }));
        }
        int confirmed = 0;
        int refused = 0;
        for (Future<JsonPath> answer : answers) {
            JsonPath result = answer.get();
            if (result.getInt("status") == 200) {
                confirmed++;
            } else {
                assertThat(result.getInt("status")).isEqualTo(413);
                assertThat(result.getString("body.code")).isEqualTo("quota_exceeded");
                refused++;
            }
        }
        pool.shutdown();
        assertThat(confirmed).as("5 × 200 KiB fit in 1 MiB, 6 do not").isEqualTo(5);
        assertThat(refused).isEqualTo(5);
        long readyBytes = (Long) Fixtures.rows("SELECT coalesce(sum(size_bytes), 0)::bigint FROM storage_objects"
                + " WHERE owner_id = ? AND status = 'ready'", user.id()).get(0).get(0);
        assertThat(readyBytes).isEqualTo(5L * size).isLessThanOrEqualTo(QUOTA);
        assertThat(Fixtures.rows("SELECT count(*) FROM storage_objects WHERE owner_id = ? AND status = 'pending'",
                user.id()).get(0).get(0)).as("the refused ones stay pending").isEqualTo(5L);
    }

    @Test
    void anUploadThatCannotFitIsRefusedUpFrontAndDeletingFreesTheQuota() {
        User user = User.create();
        JsonPath big = Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(1_000_000, 80));
        Api.as(user.token()).body(Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 60_000))
                .post("/v1/storage/uploads").then().statusCode(413).body("code", equalTo("quota_exceeded"));
        Api.as(user.token()).delete("/v1/storage/objects/" + big.getString("id")).then().statusCode(204);
        Fixtures.presign(user, "public", "image/png", 60_000, null);
    }

    @Test
    void taskOutputsCountButAreNeverRefusedForQuota() {
        User user = User.create();
        Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(1_000_000, 81));
        UUID task = UUID.randomUUID();
        Fixtures.TaskOutput output = Fixtures.pendingTaskOutput(user.id(), task, "image/png", "png", 100_000);
        Fixtures.uploadTaskOutput(store, output, "image/png", Fixtures.bytes(100_000, 82));
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString()))
                .post("/internal/v1/storage/objects/" + output.id() + "/confirm").then().statusCode(200)
                .body("status", equalTo("ready"));
        Api.as(user.token()).body(Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 1))
                .post("/v1/storage/uploads").then().statusCode(413).body("code", equalTo("quota_exceeded"));
    }
}
