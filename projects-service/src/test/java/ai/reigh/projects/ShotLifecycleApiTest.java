package ai.reigh.projects;

import static ai.reigh.projects.TimelineFixtures.append;
import static ai.reigh.projects.TimelineFixtures.path;
import static ai.reigh.projects.TimelineFixtures.positions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Shots as the web app makes them: with an aspect ratio, at a given place in the order, together with
 * their first generations, as a copy of another shot (with its links), each with a parent video
 * generation made in the same transaction; their final videos and per-shot statistics.
 */
@QuarkusTest
class ShotLifecycleApiTest {

    @Test
    void aShotHasAnAspectRatioAndAParentVideoFromItsCreation() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Api.as(user.token()).body(Map.of("name", "Vertical", "aspect_ratio", "9:16"))
                .post("/v1/projects/" + project + "/shots").then().statusCode(201).body("aspect_ratio", equalTo("9:16"))
                .body("parent_generation_id", notNullValue()).extract().path("id");
        String parent = Api.as(user.token()).get("/v1/shots/" + shot).then().statusCode(200)
                .body("aspect_ratio", equalTo("9:16")).extract().path("parent_generation_id");
        Api.as(user.token()).get("/v1/generations/" + parent).then().statusCode(200).body("type", equalTo("video"))
                .body("url", nullValue()).body("project_id", equalTo(project));
        // The parent is not one of the shot's links.
        assertThat(positions(user, shot)).isEmpty();

        Api.as(user.token()).body(Map.of("aspect_ratio", "1:1")).patch("/v1/shots/" + shot).then().statusCode(200)
                .body("aspect_ratio", equalTo("1:1")).body("name", equalTo("Vertical"));
        Map<String, Object> clear = new HashMap<>();
        clear.put("aspect_ratio", null);
        Api.as(user.token()).body(clear).patch("/v1/shots/" + shot).then().statusCode(200)
                .body("aspect_ratio", nullValue());
        Api.as(user.token()).body(Map.of("aspect_ratio", "wide")).patch("/v1/shots/" + shot).then().statusCode(400)
                .body("errors[0].field", equalTo("aspect_ratio"));
        Api.as(user.token()).body(Map.of("name", "x", "aspect_ratio", "16/9")).post("/v1/projects/" + project + "/shots")
                .then().statusCode(400).body("errors.field", hasItem("aspect_ratio"));
        Api.as(user.token()).body(Map.of("parent_generation_id", parent)).patch("/v1/shots/" + shot).then()
                .statusCode(400).body("code", equalTo("unknown_field"));
    }

    @Test
    void aShotInsertedAtAnOrderMovesTheLaterOnesDown() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String a = Fixtures.shot(user, project, "A");
        String b = Fixtures.shot(user, project, "B");
        String shots = "/v1/projects/" + project + "/shots";
        String inserted = Api.as(user.token()).body(Map.of("name", "Between", "order", 1)).post(shots).then()
                .statusCode(201).body("order", equalTo(1)).extract().path("id");
        Api.as(user.token()).body(Map.of("name", "First", "order", 0)).post(shots).then().statusCode(201)
                .body("order", equalTo(0));
        Api.as(user.token()).body(Map.of("name", "Last", "order", 900)).post(shots).then().statusCode(201)
                .body("order", equalTo(4));
        Api.as(user.token()).get(shots).then().body("items.name", contains("First", "A", "Between", "B", "Last"))
                .body("items.order", contains(0, 1, 2, 3, 4));
        assertThat(List.of(a, inserted, b)).doesNotHaveDuplicates();
        Api.as(user.token()).body(Map.of("name", "x", "order", -1)).post(shots).then().statusCode(400)
                .body("errors[0].field", equalTo("order"));
    }

    @Test
    void aShotCreatedWithItsGenerationsHasThemFiftyFramesApart() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        List<String> images = TimelineFixtures.images(user, project, 2);
        String shots = "/v1/projects/" + project + "/shots";
        String shot = Api.as(user.token())
                .body(Map.of("name", "From selection", "generation_ids", List.of(images.get(0), images.get(1), images.get(0))))
                .post(shots).then().statusCode(201).body("generations.position", contains(0, 50, 100))
                .body("generations.generation_id", contains(images.get(0), images.get(1), images.get(0)))
                .body("generations[1].generation.id", equalTo(images.get(1)))
                .body("parent_generation_id", notNullValue()).extract().path("id");
        assertThat(positions(user, shot).values()).containsExactly(0, 50, 100);

        // One foreign or misplaced generation and nothing is created.
        int before = Api.as(user.token()).get(shots).then().extract().path("items.size()");
        Api.as(user.token()).body(Map.of("name", "bad", "generation_ids", List.of(images.get(0), UUID.randomUUID())))
                .post(shots).then().statusCode(404);
        String elsewhere = Fixtures.generation(user, Fixtures.project(user), "image");
        Api.as(user.token()).body(Map.of("name", "bad", "generation_ids", List.of(elsewhere))).post(shots).then()
                .statusCode(422).body("code", equalTo("generation_not_in_project"));
        Api.as(user.token()).body(Map.of("name", "bad", "generation_ids", java.util.Collections.nCopies(1001, images.get(0))))
                .post(shots).then().statusCode(400).body("errors.field", hasItem("generation_ids"));
        Api.as(user.token()).get(shots).then().body("items", hasSize(before));
    }

    @Test
    void aCopyOfAShotHasItsLinksItsSettingsAndAParentOfItsOwn() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Api.as(user.token()).body(Map.of("name", "Opening", "aspect_ratio", "4:3",
                "settings", Map.of("travel", Map.of("frames", 81)))).post("/v1/projects/" + project + "/shots").then()
                .statusCode(201).extract().path("id");
        String after = Fixtures.shot(user, project, "After");
        List<String> images = TimelineFixtures.images(user, project, 2);
        String video = Fixtures.generation(user, project, "video");
        String first = append(user, shot, images.get(0), images.get(1)).get(0);
        Api.as(user.token()).body(Map.of("metadata", Map.of("pair_prompt", "dawn"))).patch(path(shot) + "/" + first)
                .then().statusCode(200);
        Fixtures.linkId(user, shot, images.get(1), null);
        Fixtures.linkId(user, shot, video, null);

        String copy = Api.as(user.token()).body(Map.of()).post("/v1/shots/" + shot + "/duplicate").then().statusCode(201)
                .body("name", equalTo("Opening (copy)")).body("order", equalTo(1)).body("aspect_ratio", equalTo("4:3"))
                .body("settings.travel.frames", equalTo(81)).body("generations", hasSize(3))
                .extract().path("id");
        String originalParent = Api.as(user.token()).get("/v1/shots/" + shot).then().extract().path("parent_generation_id");
        Api.as(user.token()).get("/v1/shots/" + copy).then().body("parent_generation_id", not(equalTo(originalParent)))
                .body("parent_generation_id", notNullValue());
        // Images with their frames and metadata; the shot's video outputs stay with the original.
        Api.as(user.token()).get(path(copy)).then().statusCode(200)
                .body("items.generation_id", contains(images.get(0), images.get(1), images.get(1)))
                .body("items.position", contains(0, 50, null)).body("items[0].metadata.pair_prompt", equalTo("dawn"));
        Api.as(user.token()).get("/v1/projects/" + project + "/shots").then()
                .body("items.id", contains(shot, copy, after)).body("items.order", contains(0, 1, 2));
        Api.as(user.token()).body(Map.of("name", "Alternative")).post("/v1/shots/" + shot + "/duplicate").then()
                .statusCode(201).body("name", equalTo("Alternative")).body("order", equalTo(1));
        Api.as(user.token()).body(Map.of()).post("/v1/shots/" + UUID.randomUUID() + "/duplicate").then().statusCode(404);
        Api.as(user.token()).body(Map.of("name", " ")).post("/v1/shots/" + shot + "/duplicate").then().statusCode(400);
    }

    @Test
    void theParentIsRemadeOnDemandAndGoesWithItsShotWhileItIsAPlaceholder() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String parent = Api.as(user.token()).get("/v1/shots/" + shot).then().extract().path("parent_generation_id");
        Api.as(user.token()).delete("/v1/generations/" + parent).then().statusCode(204);
        Api.as(user.token()).get("/v1/shots/" + shot).then().body("parent_generation_id", nullValue());
        String remade = Api.as(user.token()).post("/v1/shots/" + shot + "/parent-generation").then().statusCode(201)
                .body("type", equalTo("video")).body("url", nullValue()).extract().path("id");
        Api.as(user.token()).post("/v1/shots/" + shot + "/parent-generation").then().statusCode(200)
                .body("id", equalTo(remade));
        Api.as(user.token()).get("/v1/shots/" + shot).then().body("parent_generation_id", equalTo(remade));
        Api.as(user.token()).post("/v1/shots/" + UUID.randomUUID() + "/parent-generation").then().statusCode(404);

        Api.as(user.token()).delete("/v1/shots/" + shot).then().statusCode(204);
        Api.as(user.token()).get("/v1/generations/" + remade).then().statusCode(404);

        // A parent that has its video is the user's output: it outlives the shot.
        String kept = Fixtures.shot(user, project, "K");
        String video = Api.as(user.token()).get("/v1/shots/" + kept).then().extract().path("parent_generation_id");
        giveMedia(video);
        Api.as(user.token()).delete("/v1/shots/" + kept).then().statusCode(204);
        Api.as(user.token()).get("/v1/generations/" + video).then().statusCode(200);
    }

    @Test
    void finalVideosAreTheShotsParentAndItsLinkedTravelOutputs() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String other = Fixtures.shot(user, project, "T");
        String parent = Api.as(user.token()).get("/v1/shots/" + shot).then().extract().path("parent_generation_id");
        String output = Fixtures.generation(user, project, "video");
        String plainVideo = Fixtures.generation(user, project, "video");
        Fixtures.linkId(user, shot, output, null);
        Fixtures.linkId(user, shot, plainVideo, null);
        addSegment(output, project);

        Api.as(user.token()).get("/v1/shots/" + shot + "/final-videos").then().statusCode(200)
                .body("items.generation.id", containsInAnyOrder(parent, output)).body("items.shot_id", hasItem(shot))
                .body("next_cursor", nullValue());
        Api.as(user.token()).queryParam("with_media", "true").get("/v1/shots/" + shot + "/final-videos").then()
                .statusCode(200).body("items.generation.id", contains(output));
        giveMedia(parent);
        String project1 = "/v1/projects/" + project + "/shots/final-videos";
        Api.as(user.token()).queryParam("with_media", "true").queryParam("limit", 1).queryParam("include_total", "true")
                .get(project1).then().statusCode(200).body("items", hasSize(1)).body("total", equalTo(2))
                .body("next_cursor", notNullValue());
        Api.as(user.token()).queryParam("with_media", "true").get(project1).then().statusCode(200)
                .body("items.generation.id", containsInAnyOrder(parent, output)).body("items.shot_id", contains(shot, shot));
        Api.as(user.token()).get(project1).then().statusCode(200)
                .body("items.generation.id", hasItem(Api.as(user.token()).get("/v1/shots/" + other).then().extract()
                        .<String>path("parent_generation_id")));
        Api.as(user.token()).queryParam("with_media", "yes").get(project1).then().statusCode(400)
                .body("errors[0].field", equalTo("with_media"));

        Api.as(user.token()).get("/v1/projects/" + project + "/shots/statistics").then().statusCode(200)
                .body("items.shot_id", contains(shot, other)).body("next_cursor", nullValue())
                .body("items[0].total_generations", equalTo(2)).body("items[0].positioned_count", equalTo(0))
                .body("items[0].unpositioned_count", equalTo(0)).body("items[0].video_count", equalTo(2))
                .body("items[0].final_video_count", equalTo(2))
                .body("items[1].total_generations", equalTo(0)).body("items[1].final_video_count", equalTo(0));
        String image = Fixtures.generation(user, project, "image");
        Fixtures.linkId(user, other, image, 0);
        Fixtures.linkId(user, other, image, null);
        Api.as(user.token()).get("/v1/projects/" + project + "/shots/statistics").then()
                .body("items[1].total_generations", equalTo(2)).body("items[1].positioned_count", equalTo(1))
                .body("items[1].unpositioned_count", equalTo(1)).body("items[1].video_count", equalTo(0));
        Api.as(user.token()).get("/v1/projects/" + UUID.randomUUID() + "/shots/statistics").then().statusCode(404);
        Api.as(user.token()).get("/v1/shots/" + UUID.randomUUID() + "/final-videos").then().statusCode(404);
    }

    @Test
    void aProjectGoesWithItsShotsTheirLinksAndTheirParents() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        Fixtures.shot(user, project, "T");
        append(user, shot, Fixtures.generation(user, project, "image"));
        String parent = Api.as(user.token()).get("/v1/shots/" + shot).then().extract().path("parent_generation_id");
        giveMedia(parent);
        Api.as(user.token()).delete("/v1/projects/" + project).then().statusCode(204);
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM shots WHERE project_id = ?::uuid", project)).isZero();
            assertThat(sql.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid", project)).isZero();
            assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE shot_id = ?::uuid", shot)).isZero();
        }
    }

    /** What a finished join does to a placeholder: its video arrives (no variant needed for the check). */
    private static void giveMedia(String generation) {
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsService()) {
            sql.update("UPDATE generations SET url = 'https://cdn.example.test/final-' || id || '.mp4' WHERE id = ?::uuid",
                    generation);
        }
    }

    /** A segment (child generation) under a video: what makes a linked video a travel output. */
    private static void addSegment(String parent, String project) {
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsService()) {
            sql.update("INSERT INTO generations (project_id, type, url, parent_generation_id, child_order)"
                    + " VALUES (?::uuid, 'video', 'https://cdn.example.test/segment.mp4', ?::uuid, 0)", project, parent);
        }
    }
}
