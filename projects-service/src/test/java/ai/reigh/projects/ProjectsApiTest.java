package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ProjectsApiTest {

    @Test
    void createGetPatchAndDeleteAProject() {
        User user = Fixtures.user();
        String id = Api.as(user.token())
                .body(Map.of("name", "Trailer", "aspect_ratio", "16:9", "settings", Map.of("fps", 24, "ui", Map.of("tab", "a"))))
                .post("/v1/projects").then().statusCode(201)
                .body("name", equalTo("Trailer")).body("aspect_ratio", equalTo("16:9"))
                .body("user_id", equalTo(user.id().toString())).body("settings.fps", equalTo(24))
                .body("created_at", notNullValue()).extract().path("id");

        Api.as(user.token()).get("/v1/projects/" + id).then().statusCode(200).body("id", equalTo(id));

        // settings is a merge patch: null removes, objects merge, absent fields keep their value.
        Map<String, Object> patch = new java.util.HashMap<>();
        patch.put("fps", null);
        patch.put("ui", Map.of("zoom", 2));
        Api.as(user.token()).body(Map.of("name", "Trailer v2", "settings", patch)).patch("/v1/projects/" + id)
                .then().statusCode(200).body("name", equalTo("Trailer v2")).body("aspect_ratio", equalTo("16:9"))
                .body("settings.fps", nullValue()).body("settings.ui.tab", equalTo("a")).body("settings.ui.zoom", equalTo(2));

        Api.as(user.token()).delete("/v1/projects/" + id).then().statusCode(204);
        Api.as(user.token()).get("/v1/projects/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        Api.as(user.token()).delete("/v1/projects/" + id).then().statusCode(404);
    }

    @Test
    void invalidBodiesAre400WithFieldErrors() {
        User user = Fixtures.user();
        Api.as(user.token()).body(Map.of()).post("/v1/projects").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("name"));
        Api.as(user.token()).body(Map.of("name", "  ")).post("/v1/projects").then().statusCode(400)
                .body("errors.field", hasItem("name"));
        Api.as(user.token()).body(Map.of("name", "x".repeat(201))).post("/v1/projects").then().statusCode(400)
                .body("errors.field", hasItem("name"));
        Api.as(user.token()).body(Map.of("name", "ok", "aspect_ratio", "wide")).post("/v1/projects").then()
                .statusCode(400).body("errors.field", hasItem("aspect_ratio"));
        Api.as(user.token()).body(Map.of("name", "ok", "settings", List.of(1, 2))).post("/v1/projects").then()
                .statusCode(400).body("errors.field", hasItem("settings"));
        Api.as(user.token()).body(Map.of("name", "ok", "settings", Map.of("blob", "x".repeat(70_000))))
                .post("/v1/projects").then().statusCode(400).body("errors.field", hasItem("settings"));
        // Mass assignment: the owner is the caller, never a field of the body.
        Api.as(user.token()).body(Map.of("name", "ok", "user_id", UUID.randomUUID().toString())).post("/v1/projects")
                .then().statusCode(400).body("code", equalTo("unknown_field")).body("errors[0].field", equalTo("user_id"));
        Api.as(user.token()).body("").post("/v1/projects").then().statusCode(400);

        String id = Fixtures.project(user);
        Api.as(user.token()).body(Map.of("name", "")).patch("/v1/projects/" + id).then().statusCode(400)
                .body("errors.field", hasItem("name"));
        Api.as(user.token()).body(Map.of("id", UUID.randomUUID().toString())).patch("/v1/projects/" + id).then()
                .statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(user.token()).body(Map.of("settings", "dark")).patch("/v1/projects/" + id).then().statusCode(400)
                .body("errors.field", hasItem("settings"));
    }

    @Test
    void unknownAndMalformedIdsAre404() {
        User user = Fixtures.user();
        Api.as(user.token()).get("/v1/projects/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("not_found"));
        Api.as(user.token()).get("/v1/projects/not-a-uuid").then().statusCode(404).body("code", equalTo("not_found"));
        Api.as(user.token()).body(Map.of("name", "x")).patch("/v1/projects/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void listIsNewestFirstInCursorPages() {
        User user = Fixtures.user();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(Fixtures.project(user, "P" + i));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = Api.as(user.token()).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.get("/v1/projects").then().statusCode(200).extract();
            List<String> ids = page.path("items.id");
            assertThat(ids).hasSizeLessThanOrEqualTo(2);
            seen.addAll(ids);
            cursor = page.path("next_cursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        java.util.Collections.reverse(created);
        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    void badPagingParametersAre400() {
        User user = Fixtures.user();
        Api.as(user.token()).queryParam("limit", 0).get("/v1/projects").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        Api.as(user.token()).queryParam("limit", 201).get("/v1/projects").then().statusCode(400);
        Api.as(user.token()).queryParam("limit", "ten").get("/v1/projects").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        Api.as(user.token()).queryParam("cursor", "garbage!").get("/v1/projects").then().statusCode(400)
                .body("code", equalTo("invalid_cursor"));
    }

    @Test
    void aServiceOrWorkerTokenCannotUseUserRoutes() {
        Api.as(ai.reigh.common.testing.Tokens.worker()).get("/v1/projects").then().statusCode(403)
                .body("code", equalTo("forbidden"));
        Api.as(ai.reigh.common.testing.Tokens.service()).get("/v1/projects").then().statusCode(403);
    }
}
