package ai.reigh.storage;

import static ai.reigh.storage.Fixtures.presign;
import static ai.reigh.storage.Fixtures.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.storage.Fixtures.User;
import ai.reigh.storage.client.ObjectStore;
import io.minio.PutObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class PresignedUploadFlowTest {
    @Inject
    ObjectStore store;

    @Test
    void presignPutWithAPlainHttpClientConfirmGetAndDelete() {
        User user = User.create();
        byte[] png = Fixtures.bytes(3000, 1);
        JsonPath ticket = presign(user, "public", "image/png", png.length, "cat.png");
        String id = ticket.getString("object_id");
        assertThat(ticket.getString("upload_method")).isEqualTo("PUT");
        assertThat(ticket.getMap("upload_headers")).isEqualTo(Map.of("Content-Type", "image/png"));
        assertThat(ticket.getString("bucket")).isEqualTo("public");
        Instant expiresAt = Instant.parse(ticket.getString("expires_at"));
        assertThat(expiresAt).isBetween(Instant.now().plus(Duration.ofMinutes(14)), Instant.now().plus(Duration.ofMinutes(16)));
        assertThat(Fixtures.statusOf(id)).isEqualTo("pending");

        assertThat(put(ticket, png)).isEqualTo(200);

        String key = ticket.getString("key");
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(200)
                .body("id", equalTo(id)).body("status", equalTo("ready")).body("key", equalTo(key))
                .body("owner_id", equalTo(user.id().toString())).body("size_bytes", equalTo(3000))
                .body("content_type", equalTo("image/png")).body("filename", equalTo("cat.png"))
                .body("url", equalTo(Fixtures.PUBLIC_BASE + "/storage/v1/object/public/public/" + key));

        String url = Api.as(user.token()).get("/v1/storage/objects/" + id).then().statusCode(200)
                .body("status", equalTo("ready")).extract().path("url");
        byte[] served = Api.given().get(Fixtures.publicPath(url)).then().statusCode(200).extract().asByteArray();
        assertThat(served).isEqualTo(png);

        Api.as(user.token()).delete("/v1/storage/objects/" + id).then().statusCode(204);
        Api.as(user.token()).get("/v1/storage/objects/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        Api.given().get(Fixtures.publicPath(url)).then().statusCode(404);
        assertThat(Fixtures.statusOf(id)).as("the row is gone").isNull();
        assertThat(store.head("reigh-public", key).await().indefinitely()).as("the bytes are gone").isEmpty();
        Api.as(user.token()).delete("/v1/storage/objects/" + id).then().statusCode(404);
    }

    @Test
    void confirmingBeforeTheUploadIs409AndTheObjectStaysPending() {
        User user = User.create();
        JsonPath ticket = presign(user, "public", "image/png", 100, null);
        String id = ticket.getString("object_id");
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("conflict"))
                .body("detail", containsString("Nothing has been uploaded"));
        Api.as(user.token()).get("/v1/storage/objects/" + id).then().statusCode(200).body("status", equalTo("pending"))
                .body("url", nullValue());
    }

    @Test
    void aStoredSizeOtherThanTheDeclaredOneIs409UntilTheRightBytesAreUploaded() throws Exception {
        User user = User.create();
        byte[] declared = Fixtures.bytes(500, 2);
        JsonPath ticket = presign(user, "public", "image/png", declared.length, null);
        String id = ticket.getString("object_id");
        assertThat(put(ticket, Fixtures.bytes(499, 3))).as("the URL is signed for 500 bytes").isEqualTo(403);
        // What a store that ignored the signed length would have kept: the confirmation refuses it.
        stage(user, id, "image/png", Fixtures.bytes(499, 3));
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(409)
                .body("code", equalTo("conflict")).body("detail", containsString("499 bytes but 500"));
        assertThat(Fixtures.statusOf(id)).isEqualTo("pending");

        assertThat(put(ticket, declared)).as("the same URL takes the upload again").isEqualTo(200);
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(200)
                .body("status", equalTo("ready")).body("size_bytes", equalTo(500));
    }

    @Test
    void bytesStoredWithAnotherContentTypeAre409() throws Exception {
        User user = User.create();
        byte[] data = Fixtures.bytes(64, 4);
        JsonPath ticket = presign(user, "public", "image/png", data.length, null);
        String id = ticket.getString("object_id");
        assertThat(put(ticket.getString("upload_url"), Map.of("Content-Type", "text/html"), data))
                .as("the URL is signed for image/png").isEqualTo(403);
        stage(user, id, "text/html", data);
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then()
                .statusCode(409).body("detail", containsString("content type is 'text/html'"));
        assertThat(Fixtures.statusOf(id)).isEqualTo("pending");
    }

    /** Bytes put under the object's staging key as a store that checked no signed header would keep them. */
    private static void stage(User user, String objectId, String contentType, byte[] data) throws Exception {
        Fixtures.s3().putObject(PutObjectArgs.builder().bucket("reigh-public").object(Fixtures.stagingKey(user.id(),
                objectId)).contentType(contentType).stream(new ByteArrayInputStream(data), (long) data.length, -1L).build());
    }

    @Test
    void confirmingAgainAnswersTheReadyObjectAndParallelConfirmationsAllAgree() throws Exception {
        User user = User.create();
        byte[] data = Fixtures.bytes(2048, 5);
        JsonPath ticket = presign(user, "public", "video/mp4", data.length, "clip.mp4");
        String id = ticket.getString("object_id");
        assertThat(put(ticket, data)).isEqualTo(200);

        int callers = 8;
        CyclicBarrier together = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            answers.add(pool.submit(() -> {
                together.await();
                return Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().extract().statusCode();
            }));
        }
        for (Future<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(200);
        }
        pool.shutdown();
        List<List<Object>> rows = Fixtures.rows("SELECT status, confirmed_at FROM storage_objects WHERE id = ?::uuid", id);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(0)).isEqualTo("ready");
        Object confirmedAt = rows.get(0).get(1);
        Api.as(user.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(200)
                .body("status", equalTo("ready"));
        assertThat(Fixtures.rows("SELECT confirmed_at FROM storage_objects WHERE id = ?::uuid", id).get(0).get(0))
                .as("a repeated confirmation changes nothing").isEqualTo(confirmedAt);
    }

    @Test
    void ownObjectsAreListedNewestFirstWithCursorPagingAndABucketFilter() {
        User user = User.create();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(presign(user, "public", "image/png", 10 + i, null).getString("object_id"));
        }
        String training = presign(user, "training-data", "video/mp4", 10, null).getString("object_id");
        made.add(training);

        JsonPath first = Api.as(user.token()).get("/v1/storage/objects?limit=3").then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.id")).containsExactly(made.get(3), made.get(2), made.get(1));
        String cursor = first.getString("next_cursor");
        assertThat(cursor).isNotNull();
        JsonPath second = Api.as(user.token()).get("/v1/storage/objects?limit=3&cursor=" + cursor).then().statusCode(200)
                .extract().jsonPath();
        assertThat(second.getList("items.id")).containsExactly(made.get(0));
        assertThat(second.getString("next_cursor")).isNull();

        Api.as(user.token()).get("/v1/storage/objects?bucket=training-data").then().statusCode(200)
                .body("items.id", equalTo(List.of(training)));
    }

    @Test
    void aPresignedUrlOnlyTakesThePutItWasSignedFor() {
        User user = User.create();
        JsonPath ticket = presign(user, "public", "image/png", 10, null);
        String url = ticket.getString("upload_url");
        String staging = Fixtures.stagingKey(user.id(), ticket.getString("object_id"));
        assertThat(url).as("uploads go to the staging key, never the final one")
                .startsWith(Fixtures.s3Endpoint() + "/reigh-public/" + staging + "?")
                .contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost")
                .doesNotContain(ticket.getString("key"));
        String tampered = url.replace(staging, Fixtures.stagingKey(user.id(), java.util.UUID.randomUUID().toString()));
        assertThat(put(tampered, Map.of("Content-Type", "image/png"), Fixtures.bytes(10, 6))).isEqualTo(403);
        String finalKey = url.replace(staging, ticket.getString("key"));
        assertThat(put(finalKey, Map.of("Content-Type", "image/png"), Fixtures.bytes(10, 6)))
                .as("nor the object's final key").isEqualTo(403);
        HttpResponse<byte[]> get = Fixtures.get(url);
        assertThat(get.statusCode()).as("a PUT signature is not a GET signature").isEqualTo(403);
    }
}
