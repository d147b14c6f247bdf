package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** {@code GET /storage/v1/object/public/{bucket}/{key}}: public buckets' ready objects, to anyone. */
@QuarkusTest
class PublicRouteTest {

    @Test
    void anAnonymousClientGetsAPublicObjectStreamedWithItsTypeLengthAndCacheHeaders() {
        User user = User.create();
        byte[] video = Fixtures.bytes(70_000, 20);
        JsonPath object = Fixtures.readyObject(user, "public", "video/mp4", video);
        Response answer = Api.given().get(Fixtures.publicPath(object.getString("url")));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("video/mp4");
        assertThat(answer.header("Content-Length")).isEqualTo("70000");
        assertThat(answer.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(answer.header("ETag")).isEqualTo("\"" + object.getString("id") + "\"");
        assertThat(answer.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(answer.asByteArray()).isEqualTo(video);
    }

    @Test
    void aByteRangeIsServedAs206ForVideoSeeking() {
        User user = User.create();
        byte[] video = Fixtures.bytes(10_000, 21);
        String path = Fixtures.publicPath(Fixtures.readyObject(user, "public", "video/mp4", video).getString("url"));

        Response middle = Api.given().header("Range", "bytes=100-199").get(path);
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.header("Content-Range")).isEqualTo("bytes 100-199/10000");
        assertThat(middle.header("Content-Length")).isEqualTo("100");
        assertThat(middle.asByteArray()).isEqualTo(Arrays.copyOfRange(video, 100, 200));

        Response tail = Api.given().header("Range", "bytes=-10").get(path);
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.header("Content-Range")).isEqualTo("bytes 9990-9999/10000");
        assertThat(tail.asByteArray()).isEqualTo(Arrays.copyOfRange(video, 9990, 10000));

        Response open = Api.given().header("Range", "bytes=9000-").get(path);
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.asByteArray()).isEqualTo(Arrays.copyOfRange(video, 9000, 10000));

        Api.given().header("Range", "bytes=10000-").get(path).then().statusCode(416)
                .header("Content-Range", "bytes */10000").body("code", equalTo("range_not_satisfiable"));
        Response several = Api.given().header("Range", "bytes=0-1,5-6").get(path);
        assertThat(several.statusCode()).as("several ranges: the whole object").isEqualTo(200);
        assertThat(several.asByteArray()).isEqualTo(video);
    }

    @Test
    void aMatchingEtagIsAnswered304AndHeadGivesTheHeadersWithoutTheBytes() {
        User user = User.create();
        JsonPath object = Fixtures.readyObject(user, "lora_files", "application/x-safetensors", Fixtures.bytes(1234, 22));
        String path = Fixtures.publicPath(object.getString("url"));
        String etag = "\"" + object.getString("id") + "\"";
        Api.given().header("If-None-Match", etag).get(path).then().statusCode(304).header("ETag", etag);
        Api.given().header("If-None-Match", "\"something-else\"").get(path).then().statusCode(200);

        Response head = Api.given().head(path);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo("1234");
        assertThat(head.contentType()).isEqualTo("application/x-safetensors");
        assertThat(head.asByteArray()).isEmpty();
    }

    @Test
    void aPendingUploadIsNotServedBeforeItIsConfirmed() {
        User user = User.create();
        byte[] data = Fixtures.bytes(50, 23);
        JsonPath ticket = Fixtures.presign(user, "public", "image/png", data.length, null);
        assertThat(Fixtures.put(ticket, data)).isEqualTo(200);
        String path = "/storage/v1/object/public/public/" + ticket.getString("key");
        Api.given().get(path).then().statusCode(404);
        Api.as(user.token()).post("/v1/storage/objects/" + ticket.getString("object_id") + "/confirm").then().statusCode(200);
        Api.given().get(path).then().statusCode(200);
    }

    @Test
    void unknownBucketsMalformedKeysAndMissingObjectsAre404Problems() {
        UUID owner = UUID.randomUUID();
        String wellFormed = owner + "/media/" + UUID.randomUUID() + ".png";
        Api.given().get("/storage/v1/object/public/public/" + wellFormed).then().statusCode(404)
                .contentType("application/problem+json");
        Api.given().get("/storage/v1/object/public/nope/" + wellFormed).then().statusCode(404);
        Api.given().get("/storage/v1/object/public/public/" + owner + "/media/..%2F..%2Fetc%2Fpasswd").then()
                .statusCode(404);
        Api.given().get("/storage/v1/object/public/public/x").then().statusCode(404);
    }
}
