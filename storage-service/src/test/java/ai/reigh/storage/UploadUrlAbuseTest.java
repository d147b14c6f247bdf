package ai.reigh.storage;

import static ai.reigh.storage.Fixtures.presign;
import static ai.reigh.storage.Fixtures.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
import ai.reigh.storage.service.Maintenance;
import io.micrometer.core.instrument.MeterRegistry;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Finding 5 of the security review, each attack as it was observed: an upload URL outlived its object.
 * A presigned PUT lands on a staging key that is never served; confirmation copies it to the final key,
 * which nobody holds a URL for; orphaned staging bytes are swept by maintenance.
 */
@QuarkusTest
class UploadUrlAbuseTest {
    @Inject
    Maintenance maintenance;

    @Inject
    ObjectStore store;

    @Inject
    MeterRegistry registry;

    private static StatObjectResponse stat(String physicalBucket, String key) throws Exception {
        return Fixtures.s3().statObject(StatObjectArgs.builder().bucket(physicalBucket).object(key).build());
    }

    private static int confirm(User user, String id) {
        return Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().extract().statusCode();
    }

    @Test
    void aPutToTheOldUploadUrlAfterConfirmationNeverChangesWhatIsServedOrCounted() throws Exception {
        User user = User.create();
        byte[] clip = Fixtures.bytes(69, 120);
        JsonPath ticket = presign(user, "training-data", "video/mp4", clip.length, "holiday clip.mp4");
        String id = ticket.getString("object_id");
        String key = ticket.getString("key");
        assertThat(put(ticket, clip)).isEqualTo(200);
        assertThat(confirm(user, id)).isEqualTo(200);

        // The observed attack: 2 KB of HTML under its own type, to the URL that uploaded the 69 bytes.
        byte[] html = ("<!doctype html><script>fetch('/v1/me')</script>" + "<p>owned</p>".repeat(170))
                .getBytes(StandardCharsets.UTF_8);
        assertThat(html.length).isGreaterThan(2000);
        assertThat(put(ticket.getString("upload_url"), Map.of("Content-Type", "text/html"), html))
                .as("the URL is signed for the declared length and type only").isEqualTo(403);
        // A body of exactly the signed length and type is taken by the store, but only into the staging key.
        assertThat(put(ticket, Fixtures.bytes(69, 121))).isEqualTo(200);

        String url = Api.as(user.token()).get("/v1/storage/objects/" + id).then().statusCode(200).extract().path("url");
        assertThat(url).contains("response-content-type=video%2Fmp4").contains("response-content-disposition=");
        HttpResponse<byte[]> served = Fixtures.get(url);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).as("the confirmed bytes, not a later upload").isEqualTo(clip);
        assertThat(served.headers().firstValue("Content-Type")).contains("video/mp4");
        assertThat(served.headers().firstValue("Content-Disposition"))
                .contains("attachment; filename=\"holiday clip.mp4\"; filename*=UTF-8''holiday%20clip.mp4");

        StatObjectResponse stored = stat("reigh-training-data", key);
        assertThat(stored.size()).as("what is stored is what is counted").isEqualTo(69)
                .isEqualTo(Fixtures.readyBytesOf(user.id()));
        assertThat(stored.contentType()).isEqualTo("video/mp4");
    }

    @Test
    void aPutToTheOldUploadUrlAfterDeleteLeavesNothingUntrackedOnceMaintenanceRan() {
        User user = User.create();
        byte[] png = Fixtures.bytes(500, 122);
        JsonPath ticket = presign(user, "public", "image/png", png.length, null);
        String id = ticket.getString("object_id");
        assertThat(put(ticket, png)).isEqualTo(200);
        assertThat(confirm(user, id)).isEqualTo(200);
        Api.as(user.token()).delete("/v1/storage/objects/" + id).then().statusCode(204);

        assertThat(put(ticket, png)).as("the URL has not expired yet, so the store takes the bytes").isEqualTo(200);
        Api.given().get("/storage/v1/object/public/public/" + ticket.getString("key")).then().statusCode(404);

        Fixtures.runMaintenance(maintenance, Instant.now());
        assertThat(Fixtures.keysUnder("reigh-public", user.id() + "/")).as("no bytes under a final key").isEmpty();
        assertThat(Fixtures.keysUnder("reigh-public", "staging/" + user.id() + "/")).as("no staging bytes").isEmpty();
        assertThat(Fixtures.rowsOf(user.id())).isZero();
    }

    @Test
    void moreBytesThanDeclaredAreRefusedNeverReadyNeverCountedAndSwept() throws Exception {
        User user = User.create();
        JsonPath ticket = presign(user, "public", "image/png", 10, null);
        String id = ticket.getString("object_id");
        byte[] big = Fixtures.bytes(3 * 1024 * 1024, 123);

        assertThat(put(ticket, big)).as("the store refuses a length other than the signed one").isEqualTo(403);
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(409)
                .body("code", equalTo("conflict"));

        // A store that did not check the signed length would have kept the bytes where the URL points.
        String staging = Fixtures.stagingKey(user.id(), id);
        Fixtures.s3().putObject(PutObjectArgs.builder().bucket("reigh-public").object(staging).contentType("image/png")
                .stream(new ByteArrayInputStream(big), (long) big.length, -1L).build());
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(409)
                .body("code", equalTo("conflict")).body("detail", containsString("3145728 bytes but 10"));
        assertThat(Fixtures.statusOf(id)).isEqualTo("pending");
        assertThat(Fixtures.readyBytesOf(user.id())).as("nothing counted").isZero();
        assertThat(Fixtures.keysUnder("reigh-public", user.id() + "/")).as("nothing under the final key").isEmpty();

        // The upload window closes: the row and the staging bytes go.
        Fixtures.runMaintenance(maintenance, Instant.now().plus(Duration.ofHours(1)));
        assertThat(Fixtures.statusOf(id)).isNull();
        assertThat(Fixtures.keysUnder("reigh-public", "staging/" + user.id() + "/")).as("staging bytes swept").isEmpty();
        assertThat(Fixtures.keysUnder("reigh-public", user.id() + "/")).isEmpty();
    }

    @Test
    void aTaskOutputsUploadUrlCannotChangeTheConfirmedOutput() throws Exception {
        User user = User.create();
        UUID task = UUID.randomUUID();
        byte[] png = Fixtures.bytes(777, 124);
        Fixtures.TaskOutput output = Fixtures.pendingTaskOutput(user.id(), task, "image/png", "png", png.length);
        // The URL a worker's ticket carries (POST /v1/workers/uploads needs tasks-service: see system-tests).
        String url = Fixtures.uploadTaskOutput(store, output, "image/png", png);
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString()))
                .post("/internal/v1/storage/objects/" + output.id() + "/confirm").then().statusCode(200)
                .body("status", equalTo("ready"));

        assertThat(put(url, Map.of("Content-Type", "image/png"), Fixtures.bytes(777, 125))).isEqualTo(200);
        byte[] served = Api.given().get("/storage/v1/object/public/public/" + output.key()).then().statusCode(200)
                .header("Content-Length", "777").extract().asByteArray();
        assertThat(served).isEqualTo(png);
        assertThat(stat("reigh-public", output.key()).size()).isEqualTo(777).isEqualTo(Fixtures.readyBytesOf(user.id()));

        Fixtures.runMaintenance(maintenance, Instant.now());
        assertThat(Fixtures.keysUnder("reigh-public", "staging/" + user.id() + "/"))
                .as("the later upload to a confirmed object's URL is swept").isEmpty();
        assertThat(Api.given().get("/storage/v1/object/public/public/" + output.key()).then().statusCode(200).extract()
                .asByteArray()).isEqualTo(png);
    }

    @Test
    void twoConcurrentConfirmationsOfOneObjectCopyOnceAndCountOnce() throws Exception {
        User user = User.create();
        int rounds = 5;
        int size = 4096;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < rounds; round++) {
                JsonPath ticket = presign(user, "public", "image/png", size, null);
                String id = ticket.getString("object_id");
                assertThat(put(ticket, Fixtures.bytes(size, 130 + round))).isEqualTo(200);
                double copiesBefore = copies();
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int caller = 0; caller < 2; caller++) {
                    answers.add(pool.submit(() -> {
                        together.await();
                        return confirm(user, id);
                    }));
                }
                for (Future<Integer> answer : answers) {
                    assertThat(answer.get()).isEqualTo(200);
                }
                assertThat(copies() - copiesBefore).as("round %d: one copy to the final key", round).isEqualTo(1.0);
                assertThat(Fixtures.statusOf(id)).isEqualTo("ready");
                assertThat(Fixtures.keysUnder("reigh-public", Fixtures.stagingKey(user.id(), id)))
                        .as("the staging object is removed once the object is ready").isEmpty();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(Fixtures.rows("SELECT count(*) FROM storage_objects WHERE owner_id = ? AND status = 'ready'",
                user.id()).get(0).get(0)).isEqualTo((long) rounds);
        assertThat(Fixtures.readyBytesOf(user.id())).as("each object counted once").isEqualTo((long) rounds * size);
    }

    private double copies() {
        return registry.counter("reigh.storage.staging.copies").count();
    }
}
