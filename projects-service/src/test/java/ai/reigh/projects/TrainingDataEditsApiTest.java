package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.comparesEqualTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The training data helper's edits: descriptions on batches and videos, a video's duration, PATCH of
 * batches, videos and segments, a video by id, and the lists the app reads across all batches.
 */
@QuarkusTest
class TrainingDataEditsApiTest {

    private static String video(User user, String batch, Map<String, Object> extra) {
        String objectId = StorageFixtures.ready(user, "training-data", "video/mp4").getString("id");
        Map<String, Object> body = new HashMap<>(extra);
        body.put("object_id", objectId);
        body.put("filename", "clip.mp4");
        return Api.as(user.token()).body(body).post("/v1/training-data/batches/" + batch + "/videos").then()
                .statusCode(201).extract().path("id");
    }

    @Test
    void batchesHaveADescriptionAndArePatched() {
        User user = Fixtures.user();
        String batch = Api.as(user.token()).body(Map.of("name", "Dance", "description", "moves for a LoRA"))
                .post("/v1/training-data/batches").then().statusCode(201).body("description", equalTo("moves for a LoRA"))
                .extract().path("id");
        Api.as(user.token()).body(Map.of("name", "Dance v2")).patch("/v1/training-data/batches/" + batch).then()
                .statusCode(200).body("name", equalTo("Dance v2")).body("description", equalTo("moves for a LoRA"));
        Map<String, Object> clear = new HashMap<>();
        clear.put("description", null);
        Api.as(user.token()).body(clear).patch("/v1/training-data/batches/" + batch).then().statusCode(200)
                .body("description", nullValue()).body("name", equalTo("Dance v2"));
        Api.as(user.token()).get("/v1/training-data/batches/" + batch).then().body("description", nullValue())
                .body("updated_at", notNullValue());
        Api.as(user.token()).body(Map.of("name", "")).patch("/v1/training-data/batches/" + batch).then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        Api.as(user.token()).body(Map.of("description", "d".repeat(2001))).patch("/v1/training-data/batches/" + batch)
                .then().statusCode(400).body("errors[0].field", equalTo("description"));
        Api.as(user.token()).body(Map.of("user_id", user.id().toString())).patch("/v1/training-data/batches/" + batch)
                .then().statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(Fixtures.user().token()).body(Map.of("name", "mine")).patch("/v1/training-data/batches/" + batch).then()
                .statusCode(404);
    }

    @Test
    void videosHaveADurationAndADescriptionAndAreReadAndPatchedById() {
        User user = Fixtures.user();
        String batch = Fixtures.batch(user);
        String id = video(user, batch, Map.of("duration", 12, "description", "a spin"));
        Api.as(user.token()).get("/v1/training-data/videos/" + id).then().statusCode(200).body("duration", equalTo(12))
                .body("description", equalTo("a spin")).body("batch_id", equalTo(batch));
        Api.as(user.token()).body(Map.of("description", "a slow spin", "duration", 13, "filename", "spin.mp4"))
                .patch("/v1/training-data/videos/" + id).then().statusCode(200).body("description", equalTo("a slow spin"))
                .body("duration", equalTo(13)).body("filename", equalTo("spin.mp4"));
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("duration", -1), Map.of("duration", 1.5),
                Map.of("filename", "../x.mp4"), Map.of("object_id", java.util.UUID.randomUUID().toString()))) {
            Api.as(user.token()).body(bad).patch("/v1/training-data/videos/" + id).then().statusCode(400);
        }
        User stranger = Fixtures.user();
        Api.as(stranger.token()).get("/v1/training-data/videos/" + id).then().statusCode(404);
        Api.as(stranger.token()).body(Map.of("duration", 1)).patch("/v1/training-data/videos/" + id).then().statusCode(404);
    }

    @Test
    void segmentsHaveADescriptionAndArePatchedWithinTheirRange() {
        User user = Fixtures.user();
        String videoId = video(user, Fixtures.batch(user), Map.of());
        String segment = Api.as(user.token()).body(Map.of("start_time", 1.5, "end_time", 3, "description", "jump"))
                .post("/v1/training-data/videos/" + videoId + "/segments").then().statusCode(201)
                .body("description", equalTo("jump")).extract().path("id");
        Api.as(user.token()).body(Map.of("end_time", 4.25)).patch("/v1/training-data/segments/" + segment).then()
                .statusCode(200).body("start_time", comparesEqualTo(new BigDecimal("1.5")))
                .body("end_time", comparesEqualTo(new BigDecimal("4.25"))).body("description", equalTo("jump"));
        Api.as(user.token()).body(Map.of("description", "a high jump", "start_time", 0)).patch("/v1/training-data/segments/" + segment)
                .then().statusCode(200).body("description", equalTo("a high jump"))
                .body("start_time", comparesEqualTo(BigDecimal.ZERO));
        // The end state must still be a range: a start past the stored end is refused, nothing changes.
        Api.as(user.token()).body(Map.of("start_time", 5)).patch("/v1/training-data/segments/" + segment).then()
                .statusCode(400).body("errors[0].field", equalTo("end_time"));
        Api.as(user.token()).body(Map.of("end_time", 1.0001)).patch("/v1/training-data/segments/" + segment).then()
                .statusCode(400).body("errors[0].field", equalTo("end_time"));
        Api.as(user.token()).get("/v1/training-data/videos/" + videoId + "/segments").then().statusCode(200)
                .body("items[0].start_time", comparesEqualTo(BigDecimal.ZERO))
                .body("items[0].end_time", comparesEqualTo(new BigDecimal("4.25")));
        Api.as(Fixtures.user().token()).body(Map.of("description", "x")).patch("/v1/training-data/segments/" + segment)
                .then().statusCode(404);
    }

    @Test
    void videosAndSegmentsAreListedAcrossBatches() {
        User user = Fixtures.user();
        String first = Fixtures.batch(user);
        String second = Fixtures.batch(user);
        String a = video(user, first, Map.of());
        String b = video(user, second, Map.of());
        String c = video(user, second, Map.of());
        User other = Fixtures.user();
        video(other, Fixtures.batch(other), Map.of());
        Api.as(user.token()).get("/v1/training-data/videos").then().statusCode(200)
                .body("items.id", contains(c, b, a));
        Api.as(user.token()).get("/v1/training-data/videos?batch_id=" + second + "&limit=1").then().statusCode(200)
                .body("items.id", contains(c)).body("next_cursor", notNullValue());
        String s1 = Api.as(user.token()).body(Map.of("start_time", 0, "end_time", 1)).post("/v1/training-data/videos/" + a + "/segments")
                .then().statusCode(201).extract().path("id");
        String s2 = Api.as(user.token()).body(Map.of("start_time", 0, "end_time", 2)).post("/v1/training-data/videos/" + c + "/segments")
                .then().statusCode(201).extract().path("id");
        List<String> segments = Api.as(user.token()).get("/v1/training-data/segments").then().statusCode(200).extract()
                .path("items.id");
        assertThat(segments).containsExactly(s2, s1);
        Api.as(user.token()).get("/v1/training-data/segments?video_id=" + a).then().body("items.id",
                contains(s1));
        Api.as(user.token()).get("/v1/training-data/videos?batch_id=nope").then().statusCode(400)
                .body("errors[0].field", equalTo("batch_id"));
        Api.as(Fixtures.user().token()).get("/v1/training-data/segments?video_id=" + a).then().statusCode(200)
                .body("items.size()", equalTo(0));
    }
}
