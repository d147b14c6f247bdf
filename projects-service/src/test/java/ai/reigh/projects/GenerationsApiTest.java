package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class GenerationsApiTest {

    @Test
    void uploadFromAUrl() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        Api.as(user.token())
                .body(Map.of("type", "video", "url", "https://cdn.example.test/clip.mp4", "metadata", Map.of("source", "upload")))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201)
                .body("project_id", equalTo(project)).body("type", equalTo("video"))
                .body("url", equalTo("https://cdn.example.test/clip.mp4")).body("metadata.source", equalTo("upload"))
                .body("task_id", nullValue()).body("object_id", nullValue()).body("starred", equalTo(false))
                .body("thumbnail_url", nullValue());
    }

    /**
     * An upload with media and its original variant are written once, as they end up (primary, viewed):
     * the realtime feed carries one INSERT of each and no UPDATE. A placeholder has no variant.
     */
    @Test
    void anUploadAndItsOriginalVariantAreWrittenOnceAsTheyEndUp() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        var created = Api.as(user.token())
                .body(Map.of("type", "image", "url", "https://cdn.example.test/once.png", "thumbnail_url",
                        "https://cdn.example.test/once-thumb.png"))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201)
                .body("variant_count", equalTo(1)).body("unviewed_variant_count", equalTo(0)).extract();
        String generation = created.path("id");
        String variant = created.path("primary_variant_id");
        Api.as(user.token()).get("/v1/generations/" + generation + "/variants").then().statusCode(200)
                .body("items.id", contains(variant)).body("items[0].is_primary", equalTo(true))
                .body("items[0].variant_type", equalTo("original"))
                .body("items[0].url", equalTo("https://cdn.example.test/once.png"))
                .body("items[0].thumbnail_url", equalTo("https://cdn.example.test/once-thumb.png"))
                .body("items[0].viewed_at", notNullValue());
        try (SqlSession sql = SqlSession.as("reigh_tasks").actingAsService()) {
            assertThat(sql.query("SELECT table_name, op FROM realtime_events WHERE row_id IN (?::uuid, ?::uuid)"
                    + " ORDER BY id", generation, variant))
                    .containsExactly(List.of("generations", "INSERT"), List.of("generation_variants", "INSERT"));
        }
        Api.as(user.token()).body(Map.of("type", "image")).post("/v1/projects/" + project + "/generations").then()
                .statusCode(201).body("url", nullValue()).body("primary_variant_id", nullValue())
                .body("variant_count", equalTo(0));
    }

    @Test
    void uploadValidation() {
        User user = Fixtures.user();
        String path = "/v1/projects/" + Fixtures.project(user) + "/generations";
        // Neither url nor object_id: a placeholder (its media comes later), not an error.
        Api.as(user.token()).body(Map.of("type", "image")).post(path).then().statusCode(201).body("url", nullValue());
        Api.as(user.token()).body(Map.of("type", "image", "url", "https://a.test/x.png", "object_id",
                UUID.randomUUID().toString())).post(path).then().statusCode(400).body("errors.field", hasItem("url"));
        Api.as(user.token()).body(Map.of("type", "gif", "url", "https://a.test/x.gif")).post(path).then()
                .statusCode(400).body("errors.field", hasItem("type"));
        Api.as(user.token()).body(Map.of("url", "https://a.test/x.gif")).post(path).then().statusCode(400)
                .body("errors.field", hasItem("type"));
        for (String bad : List.of("ftp://a.test/x.png", "javascript:alert(1)", "file:///etc/passwd", "/relative.png",
                "https://", "https://a.test/x y.png", "https://a.test/" + "x".repeat(2048))) {
            Api.as(user.token()).body(Map.of("type", "image", "url", bad)).post(path).then().statusCode(400)
                    .body("errors[0].field", equalTo("url"));
        }
        Api.as(user.token()).body(Map.of("type", "image", "url", "https://a.test/x.png", "metadata", "text"))
                .post(path).then().statusCode(400).body("errors[0].field", equalTo("metadata"));
        Api.as(user.token()).body(Map.of("type", "image", "url", "https://a.test/x.png", "task_id",
                UUID.randomUUID().toString())).post(path).then().statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(user.token()).body(Map.of("type", "image", "url", "https://a.test/x.png"))
                .post("/v1/projects/" + UUID.randomUUID() + "/generations").then().statusCode(404);
    }

    @Test
    void listFiltersByTypeStarredAndShot() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String image1 = Fixtures.generation(user, project, "image");
        String video = Fixtures.generation(user, project, "video");
        String image2 = Fixtures.generation(user, project, "image");
        String unlinked = Fixtures.generation(user, project, "image");
        Api.as(user.token()).body(Map.of("starred", true)).patch("/v1/generations/" + video).then().statusCode(200);
        String shot = Fixtures.shot(user, project, "S");
        Fixtures.linkId(user, shot, image1, 0);
        Fixtures.linkId(user, shot, image2, null);
        Fixtures.linkId(user, shot, video, null);
        String path = "/v1/projects/" + project + "/generations";
        // The shot's parent video (a placeholder until its segments are joined) is a generation of the project.
        String parent = Api.as(user.token()).get("/v1/shots/" + shot).then().extract().path("parent_generation_id");

        Api.as(user.token()).get(path).then().statusCode(200)
                .body("items.id", contains(parent, unlinked, image2, video, image1));
        Api.as(user.token()).queryParam("type", "image").get(path).then().body("items.id", contains(unlinked, image2, image1));
        Api.as(user.token()).queryParam("type", "video").get(path).then().body("items.id", contains(parent, video));
        Api.as(user.token()).queryParam("starred", "true").get(path).then().body("items.id", contains(video));
        Api.as(user.token()).queryParam("starred", "false").get(path).then()
                .body("items.id", contains(parent, unlinked, image2, image1));
        Api.as(user.token()).queryParam("shot_id", shot).get(path).then().body("items.id", contains(image2, video, image1));
        // The Generations pane: only what is linked to the shot without a position.
        Api.as(user.token()).queryParam("shot_id", shot).queryParam("unpositioned", "true").get(path).then()
                .body("items.id", contains(image2, video));
        Api.as(user.token()).queryParam("shot_id", shot).queryParam("unpositioned", "true").queryParam("type", "image")
                .get(path).then().body("items.id", contains(image2));
        Api.as(user.token()).queryParam("shot_id", UUID.randomUUID()).get(path).then().statusCode(200)
                .body("items", empty());
    }

    @Test
    void invalidFiltersAre400() {
        User user = Fixtures.user();
        String path = "/v1/projects/" + Fixtures.project(user) + "/generations";
        Api.as(user.token()).queryParam("type", "gif").get(path).then().statusCode(400)
                .body("errors[0].field", equalTo("type"));
        Api.as(user.token()).queryParam("starred", "yes").get(path).then().statusCode(400)
                .body("errors[0].field", equalTo("starred"));
        Api.as(user.token()).queryParam("shot_id", "abc").get(path).then().statusCode(400)
                .body("errors[0].field", equalTo("shot_id"));
        Api.as(user.token()).queryParam("unpositioned", "true").get(path).then().statusCode(400)
                .body("errors[0].field", equalTo("unpositioned"));
        Api.as(user.token()).queryParam("unpositioned", "maybe").queryParam("shot_id", UUID.randomUUID()).get(path)
                .then().statusCode(400).body("errors[0].field", equalTo("unpositioned"));
        Api.as(user.token()).queryParam("limit", 500).get(path).then().statusCode(400);
        Api.as(user.token()).get("/v1/projects/" + UUID.randomUUID() + "/generations").then().statusCode(404);
    }

    @Test
    void listPagesNewestFirst() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(Fixtures.generation(user, project, "image"));
        }
        var first = Api.as(user.token()).queryParam("limit", 3).get("/v1/projects/" + project + "/generations")
                .then().statusCode(200).extract();
        String cursor = first.path("next_cursor");
        assertThat(cursor).isNotNull();
        List<String> second = Api.as(user.token()).queryParam("limit", 3).queryParam("cursor", cursor)
                .get("/v1/projects/" + project + "/generations").then().statusCode(200)
                .body("next_cursor", nullValue()).extract().path("items.id");
        List<String> all = new ArrayList<>(first.<List<String>>path("items.id"));
        all.addAll(second);
        java.util.Collections.reverse(created);
        assertThat(all).containsExactlyElementsOf(created);
    }

    @Test
    void patchNameStarredAndMetadata() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String id = Api.as(user.token())
                .body(Map.of("type", "image", "url", "https://a.test/x.png", "metadata", Map.of("prompt", "cat", "seed", 1)))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201).extract().path("id");
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("seed", null);
        metadata.put("note", "keep");
        Api.as(user.token()).body(Map.of("name", "Hero frame", "starred", true, "metadata", metadata))
                .patch("/v1/generations/" + id).then().statusCode(200).body("name", equalTo("Hero frame"))
                .body("starred", equalTo(true)).body("metadata.prompt", equalTo("cat"))
                .body("metadata.seed", nullValue()).body("metadata.note", equalTo("keep"));
        Api.as(user.token()).body(Map.of("starred", false)).patch("/v1/generations/" + id).then().statusCode(200)
                .body("name", equalTo("Hero frame")).body("starred", equalTo(false));
        Api.as(user.token()).body(Map.of("task_id", UUID.randomUUID().toString())).patch("/v1/generations/" + id).then()
                .statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(user.token()).body(Map.of("starred", "yes")).patch("/v1/generations/" + id).then().statusCode(400)
                .body("errors[0].field", equalTo("starred"));
        Api.as(user.token()).body(Map.of("name", "n".repeat(201))).patch("/v1/generations/" + id).then()
                .statusCode(400).body("errors.field", hasItem("name"));
        Api.as(user.token()).body(Map.of("starred", true)).patch("/v1/generations/" + UUID.randomUUID()).then()
                .statusCode(404);
    }

    @Test
    void deleteRemovesTheGenerationAndItsLinks() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String id = Fixtures.generation(user, project, "image");
        String keep = Fixtures.generation(user, project, "image");
        Fixtures.linkId(user, shot, id, 0);
        Fixtures.linkId(user, shot, keep, 1);
        Api.as(user.token()).delete("/v1/generations/" + id).then().statusCode(204);
        Api.as(user.token()).get("/v1/generations/" + id).then().statusCode(404);
        Api.as(user.token()).delete("/v1/generations/" + id).then().statusCode(404);
        Api.as(user.token()).get("/v1/shots/" + shot + "/generations").then().statusCode(200)
                .body("items.generation_id", containsInAnyOrder(keep));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE generation_id = ?::uuid", id)).isZero();
            assertThat(sql.count("SELECT count(*) FROM generations WHERE id = ?::uuid", id)).isZero();
        }
    }
}
