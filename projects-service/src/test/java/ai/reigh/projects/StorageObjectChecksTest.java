package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Rows backed by a storage object are checked with the real storage-service: the object must be the
 * caller's (404), ready (409), in the right bucket and of the right kind (422).
 */
@QuarkusTest
class StorageObjectChecksTest {

    @Test
    void aGenerationFromAReadyObjectTakesItsUrl() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        JsonPath object = StorageFixtures.ready(user, "public", "image/png");
        Api.as(user.token()).body(Map.of("type", "image", "object_id", object.getString("id")))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201)
                .body("object_id", equalTo(object.getString("id"))).body("url", equalTo(object.getString("url")));
    }

    @Test
    void generationObjectChecks() {
        User user = Fixtures.user();
        User other = Fixtures.user();
        String path = "/v1/projects/" + Fixtures.project(user) + "/generations";
        String othersObject = StorageFixtures.ready(other, "public", "image/png").getString("id");
        Api.as(user.token()).body(Map.of("type", "image", "object_id", othersObject)).post(path).then().statusCode(404)
                .body("code", equalTo("not_found"));
        Api.as(user.token()).body(Map.of("type", "image", "object_id", UUID.randomUUID().toString())).post(path).then()
                .statusCode(404);
        String pending = StorageFixtures.pending(user, "public", "image/png");
        Api.as(user.token()).body(Map.of("type", "image", "object_id", pending)).post(path).then().statusCode(409)
                .body("code", equalTo("object_not_ready"));
        String training = StorageFixtures.ready(user, "training-data", "video/mp4").getString("id");
        Api.as(user.token()).body(Map.of("type", "video", "object_id", training)).post(path).then().statusCode(422)
                .body("code", equalTo("wrong_bucket"));
        String image = StorageFixtures.ready(user, "public", "image/png").getString("id");
        Api.as(user.token()).body(Map.of("type", "video", "object_id", image)).post(path).then().statusCode(422)
                .body("code", equalTo("content_type_mismatch"));
        // Someone else's project is a 404 before storage is even asked.
        Api.as(other.token()).body(Map.of("type", "image", "object_id", othersObject)).post(path).then().statusCode(404);
    }

    @Test
    void aResourceFromALoraFile() {
        User user = Fixtures.user();
        JsonPath lora = StorageFixtures.ready(user, "lora_files", "application/octet-stream");
        Api.as(user.token()).body(Map.of("type", "lora", "name", "Mine", "object_id", lora.getString("id")))
                .post("/v1/resources").then().statusCode(201).body("object_id", equalTo(lora.getString("id")))
                .body("url", equalTo(lora.getString("url")));
        String training = StorageFixtures.ready(user, "training-data", "video/mp4").getString("id");
        Api.as(user.token()).body(Map.of("type", "lora", "name", "Private", "object_id", training)).post("/v1/resources")
                .then().statusCode(422).body("code", equalTo("wrong_bucket"));
    }

    @Test
    void trainingVideosAndSegments() {
        User user = Fixtures.user();
        String batch = Fixtures.batch(user);
        JsonPath object = StorageFixtures.ready(user, "training-data", "video/mp4");
        String video = Api.as(user.token()).body(Map.of("object_id", object.getString("id"), "filename", "take 1.mp4"))
                .post("/v1/training-data/batches/" + batch + "/videos").then().statusCode(201)
                .body("batch_id", equalTo(batch)).body("filename", equalTo("take 1.mp4"))
                .body("object_id", equalTo(object.getString("id")))
                .body("url", equalTo("training-data/" + object.getString("key"))).extract().path("id");
        Api.as(user.token()).get("/v1/training-data/batches/" + batch + "/videos").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(video));

        String segments = "/v1/training-data/videos/" + video + "/segments";
        String segment = Api.as(user.token()).body(Map.of("start_time", 0, "end_time", 1.5)).post(segments).then()
                .statusCode(201).body("video_id", equalTo(video)).body("start_time", equalTo(new java.math.BigDecimal("0.000")))
                .body("end_time", equalTo(new java.math.BigDecimal("1.500"))).extract().path("id");
        Api.as(user.token()).body(Map.of("start_time", 2.25, "end_time", 4)).post(segments).then().statusCode(201);
        Api.as(user.token()).get(segments).then().statusCode(200).body("items.size()", equalTo(2));
        Api.as(user.token()).delete("/v1/training-data/segments/" + segment).then().statusCode(204);
        Api.as(user.token()).delete("/v1/training-data/segments/" + segment).then().statusCode(404);
        Api.as(user.token()).get(segments).then().body("items.size()", equalTo(1));

        Api.as(user.token()).delete("/v1/training-data/videos/" + video).then().statusCode(204);
        Api.as(user.token()).get(segments).then().statusCode(404);
        Api.as(user.token()).delete("/v1/training-data/videos/" + video).then().statusCode(404);
        Api.as(user.token()).delete("/v1/training-data/batches/" + batch).then().statusCode(204);
        Api.as(user.token()).get("/v1/training-data/batches/" + batch).then().statusCode(404);
    }

    @Test
    void trainingVideoChecksAndSegmentValidation() {
        User user = Fixtures.user();
        User other = Fixtures.user();
        String batch = Fixtures.batch(user);
        String videos = "/v1/training-data/batches/" + batch + "/videos";
        Api.as(user.token()).body(Map.of("object_id", StorageFixtures.ready(user, "public", "video/mp4").getString("id"),
                "filename", "a.mp4")).post(videos).then().statusCode(422).body("code", equalTo("wrong_bucket"));
        Api.as(user.token()).body(Map.of("object_id", StorageFixtures.pending(user, "training-data", "video/mp4"),
                "filename", "a.mp4")).post(videos).then().statusCode(409).body("code", equalTo("object_not_ready"));
        Api.as(user.token()).body(Map.of("object_id", StorageFixtures.ready(other, "training-data", "video/mp4").getString("id"),
                "filename", "a.mp4")).post(videos).then().statusCode(404);
        Api.as(user.token()).body(Map.of("filename", "a.mp4")).post(videos).then().statusCode(400)
                .body("errors[0].field", equalTo("object_id"));
        String objectId = StorageFixtures.ready(user, "training-data", "video/mp4").getString("id");
        Api.as(user.token()).body(Map.of("object_id", objectId, "filename", "")).post(videos).then().statusCode(400)
                .body("errors[0].field", equalTo("filename"));
        Api.as(user.token()).body(Map.of("object_id", objectId, "filename", "a\u0000.mp4")).post(videos).then()
                .statusCode(400).body("errors[0].field", equalTo("filename"));
        Api.as(user.token()).body(Map.of("object_id", objectId, "filename", "a.mp4"))
                .post("/v1/training-data/batches/" + UUID.randomUUID() + "/videos").then().statusCode(404);

        String video = Api.as(user.token()).body(Map.of("object_id", objectId, "filename", "a.mp4")).post(videos).then()
                .statusCode(201).extract().path("id");
        String segments = "/v1/training-data/videos/" + video + "/segments";
        Api.as(user.token()).body(Map.of("start_time", -1, "end_time", 2)).post(segments).then().statusCode(400)
                .body("errors[0].field", equalTo("start_time"));
        Api.as(user.token()).body(Map.of("start_time", 3, "end_time", 3)).post(segments).then().statusCode(400)
                .body("errors[0].field", equalTo("end_time"));
        Api.as(user.token()).body(Map.of("start_time", 5, "end_time", 2)).post(segments).then().statusCode(400)
                .body("errors[0].field", equalTo("end_time"));
        Api.as(user.token()).body(Map.of("start_time", 0.0001, "end_time", 2)).post(segments).then().statusCode(400)
                .body("errors[0].field", equalTo("start_time"));
        Api.as(user.token()).body(Map.of("end_time", 2)).post(segments).then().statusCode(400)
                .body("errors[0].field", equalTo("start_time"));
        Api.as(user.token()).body(Map.of("start_time", "0", "end_time", 2)).post(segments).then().statusCode(400);
        Api.as(user.token()).body(Map.of("start_time", 0, "end_time", 2))
                .post("/v1/training-data/videos/" + UUID.randomUUID() + "/segments").then().statusCode(404);
        // Someone else's video: its segments cannot be read or added to.
        Api.as(other.token()).get(segments).then().statusCode(404);
        Api.as(other.token()).body(Map.of("start_time", 0, "end_time", 2)).post(segments).then().statusCode(404);
        Api.as(other.token()).delete("/v1/training-data/videos/" + video).then().statusCode(404);
        String segment = Api.as(user.token()).body(Map.of("start_time", 0, "end_time", 2)).post(segments).then()
                .statusCode(201).extract().path("id");
        Api.as(other.token()).delete("/v1/training-data/segments/" + segment).then().statusCode(404);
    }

    @Test
    void aDownStorageServiceIsAQuick503() {
        User user = Fixtures.user();
        String path = "/v1/projects/" + Fixtures.project(user) + "/generations";
        String objectId = StorageFixtures.ready(user, "public", "image/png").getString("id");
        StorageFixtures.whileStorageIsDown(() -> {
            Instant start = Instant.now();
            Api.as(user.token()).body(Map.of("type", "image", "object_id", objectId)).post(path).then().statusCode(503)
                    .contentType("application/problem+json").body("code", equalTo("service_unavailable"))
                    .header("Retry-After", notNullValue());
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
            // Rows that need no storage check still work.
            Api.as(user.token()).body(Map.of("type", "image", "url", "https://a.test/x.png")).post(path).then()
                    .statusCode(201);
        });
        // Back up: the breaker lets calls through again within its delay.
        assertThat(StorageFixtures.eventually(Duration.ofSeconds(60), () -> Api.as(user.token())
                .body(Map.of("type", "image", "object_id", objectId)).post(path).statusCode() == 201)).isTrue();
    }
}
