package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
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
import ai.reigh.common.testing.Tokens;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The web app's generation columns and queries: params, lineage, segments, placeholders, producing
 * tasks, the original variant of an upload, patches of media and relations, every list filter with
 * exact totals, batch reads, idempotent uploads.
 */
@QuarkusTest
class GenerationModelApiTest {

    private static String upload(User user, String project, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.putIfAbsent("type", "image");
        return Api.as(user.token()).body(body).post("/v1/projects/" + project + "/generations").then().statusCode(201)
                .extract().path("id");
    }

    private static String url() {
        return "https://cdn.example.test/" + UUID.randomUUID() + ".png";
    }

    @Test
    void anUploadWithMediaGetsItsOriginalVariantAsPrimaryAndAPlaceholderNone() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String media = url();
        String id = Api.as(user.token()).body(Map.of("type", "image", "url", media, "thumbnail_url",
                "https://cdn.example.test/t.png", "params", Map.of("prompt", "a red fox", "tool_type", "image-generation"),
                "name", "fox")).post("/v1/projects/" + project + "/generations").then().statusCode(201)
                .body("params.prompt", equalTo("a red fox")).body("variant_count", equalTo(1))
                .body("unviewed_variant_count", equalTo(0)).body("is_child", equalTo(false))
                .body("tasks", empty()).body("primary_variant_id", notNullValue()).extract().path("id");
        String primary = Api.as(user.token()).get("/v1/generations/" + id).then().statusCode(200).extract()
                .path("primary_variant_id");
        Api.as(user.token()).get("/v1/generations/" + id + "/variants").then().statusCode(200)
                .body("items.id", contains(primary)).body("items[0].variant_type", equalTo("original"))
                .body("items[0].is_primary", equalTo(true)).body("items[0].url", equalTo(media))
                .body("items[0].thumbnail_url", equalTo("https://cdn.example.test/t.png"))
                .body("items[0].params.prompt", equalTo("a red fox")).body("items[0].viewed_at", notNullValue());

        Api.as(user.token()).body(Map.of("type", "video")).post("/v1/projects/" + project + "/generations").then()
                .statusCode(201).body("url", nullValue()).body("primary_variant_id", nullValue())
                .body("variant_count", equalTo(0));
    }

    @Test
    void lineageAndSegmentsStayInTheProjectAndForeignRowsAreNotRevealed() {
        User user = Fixtures.user();
        User other = Fixtures.user();
        String project = Fixtures.project(user);
        String otherProject = Fixtures.project(user);
        String source = upload(user, project, Map.of("url", url()));
        String elsewhere = upload(user, otherProject, Map.of("url", url()));
        String foreign = upload(other, Fixtures.project(other), Map.of("url", url()));
        String path = "/v1/projects/" + project + "/generations";

        String derived = upload(user, project, Map.of("url", url(), "based_on", source));
        String parent = upload(user, project, Map.of("type", "video"));
        String child = upload(user, project, Map.of("type", "video", "parent_generation_id", parent, "child_order", 2));
        Api.as(user.token()).get("/v1/generations/" + derived).then().body("based_on", equalTo(source));
        Api.as(user.token()).get("/v1/generations/" + child).then().body("parent_generation_id", equalTo(parent))
                .body("is_child", equalTo(true)).body("child_order", equalTo(2));

        Api.as(user.token()).body(Map.of("type", "image", "url", url(), "based_on", elsewhere)).post(path).then()
                .statusCode(422).body("code", equalTo("generation_not_in_project"));
        Api.as(user.token()).body(Map.of("type", "image", "url", url(), "based_on", foreign)).post(path).then()
                .statusCode(404);
        Api.as(user.token()).body(Map.of("type", "video", "parent_generation_id", UUID.randomUUID().toString()))
                .post(path).then().statusCode(404);
        Api.as(user.token()).body(Map.of("type", "video", "child_order", -1)).post(path).then().statusCode(400)
                .body("errors[0].field", equalTo("child_order"));

        Api.as(user.token()).body(Map.of("based_on", derived)).patch("/v1/generations/" + derived).then()
                .statusCode(400).body("errors[0].field", equalTo("based_on"));
        Api.as(user.token()).body(Map.of("parent_generation_id", foreign)).patch("/v1/generations/" + child).then()
                .statusCode(404);
        Map<String, Object> clear = new HashMap<>();
        clear.put("based_on", null);
        clear.put("child_order", 5);
        Api.as(user.token()).body(clear).patch("/v1/generations/" + derived).then().statusCode(200)
                .body("based_on", nullValue()).body("child_order", equalTo(5));

        // A pair link of the project's shot, cleared when the link goes.
        String shot = Fixtures.shot(user, project, "S");
        String link = Fixtures.linkId(user, shot, source, 0);
        Api.as(user.token()).body(Map.of("pair_shot_generation_id", link)).patch("/v1/generations/" + child).then()
                .statusCode(200).body("pair_shot_generation_id", equalTo(link));
        Api.as(user.token()).queryParam("parent_generation_id", parent).queryParam("pair_shot_generation_id", link)
                .get("/v1/projects/" + project + "/generations").then().body("items.id", contains(child));
        String otherShot = Fixtures.shot(user, otherProject, "T");
        String otherLink = Fixtures.linkId(user, otherShot, elsewhere, 0);
        Api.as(user.token()).body(Map.of("pair_shot_generation_id", otherLink)).patch("/v1/generations/" + child)
                .then().statusCode(404);
        Api.as(user.token()).delete("/v1/shots/" + shot + "/generations/" + link).then().statusCode(204);
        Api.as(user.token()).get("/v1/generations/" + child).then().body("pair_shot_generation_id", nullValue());

        // Segments go with their parent.
        Api.as(user.token()).delete("/v1/generations/" + parent).then().statusCode(204);
        Api.as(user.token()).get("/v1/generations/" + child).then().statusCode(404);
    }

    @Test
    void patchingMediaMovesThePrimaryVariantWithItAndClearingItNeedsNoVariants() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String id = upload(user, project, Map.of("url", url(), "params", Map.of("prompt", "a", "seed", 1)));
        String replaced = url();
        Api.as(user.token()).body(Map.of("url", replaced, "thumbnail_url", "https://cdn.example.test/new-t.png",
                "params", Map.of("seed", 2, "strength", 0.5))).patch("/v1/generations/" + id).then().statusCode(200)
                .body("url", equalTo(replaced)).body("params.prompt", equalTo("a")).body("params.seed", equalTo(2));
        Api.as(user.token()).get("/v1/generations/" + id + "/variants").then()
                .body("items[0].url", equalTo(replaced))
                .body("items[0].thumbnail_url", equalTo("https://cdn.example.test/new-t.png"));
        Map<String, Object> clear = new HashMap<>();
        clear.put("url", null);
        Api.as(user.token()).body(clear).patch("/v1/generations/" + id).then().statusCode(409)
                .body("code", equalTo("generation_has_variants"));
        Api.as(user.token()).body(Map.of("url", "ftp://x.test/a.png")).patch("/v1/generations/" + id).then()
                .statusCode(400).body("errors[0].field", equalTo("url"));
        Api.as(user.token()).body(Map.of("child_order", "2")).patch("/v1/generations/" + id).then().statusCode(400)
                .body("errors[0].field", equalTo("child_order"));

        String placeholder = upload(user, project, Map.of("type", "video"));
        String filled = url();
        Api.as(user.token()).body(Map.of("url", filled)).patch("/v1/generations/" + placeholder).then()
                .statusCode(200).body("url", equalTo(filled)).body("variant_count", equalTo(0));
        Api.as(user.token()).body(clear).patch("/v1/generations/" + placeholder).then().statusCode(200)
                .body("url", nullValue());
    }

    @Test
    void everyFilterNarrowsTheListAndTheTotalCountsAllMatches() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String fox = upload(user, project, Map.of("url", url(), "params",
                Map.of("prompt", "A Red FOX in snow", "tool_type", "image-generation")));
        String percent = upload(user, project, Map.of("url", url(), "params",
                Map.of("prompt", "100% cotton_wool", "tool_type", "edit-images")));
        String nested = upload(user, project, Map.of("type", "video", "url", url(), "params",
                Map.of("orchestrator_details", Map.of("prompt", "a fox running"), "tool_type", "travel-between-images")));
        String parent = upload(user, project, Map.of("type", "video"));
        String child = upload(user, project, Map.of("type", "video", "parent_generation_id", parent, "child_order", 0));
        String derived = upload(user, project, Map.of("url", url(), "based_on", fox));
        String shot = Fixtures.shot(user, project, "S");
        Fixtures.linkId(user, shot, percent, null);
        // A shot's parent video: a travel-between-images placeholder made with the shot.
        String shotParent = Api.as(user.token()).get("/v1/shots/" + shot).then().extract().path("parent_generation_id");
        UUID task = UUID.randomUUID();
        Map<String, Object> fromTask = Fixtures.taskGeneration(task, project);
        String byTask = Api.as(Tokens.service()).body(fromTask).post(InternalGenerationsApiTest.PATH).then()
                .statusCode(201).extract().path("id");
        String path = "/v1/projects/" + project + "/generations";

        Api.as(user.token()).queryParam("q", "red fox").get(path).then().statusCode(200).body("items.id", contains(fox));
        Api.as(user.token()).queryParam("q", "FOX").get(path).then().body("items.id", containsInAnyOrder(fox, nested));
        Api.as(user.token()).queryParam("q", "0%").get(path).then().body("items.id", contains(percent));
        Api.as(user.token()).queryParam("q", "n_w").get(path).then().body("items.id", contains(percent));
        Api.as(user.token()).queryParam("q", "%").get(path).then().body("items.id", contains(percent));
        Api.as(user.token()).queryParam("tool_type", "edit-images").get(path).then().body("items.id", contains(percent));
        Api.as(user.token()).queryParam("tool_type", "edit-images,travel-between-images").get(path).then()
                .body("items.id", contains(shotParent, nested, percent));
        Api.as(user.token()).queryParam("has_based_on", "true").get(path).then().body("items.id", contains(derived));
        Api.as(user.token()).queryParam("child_order", "0").get(path).then().body("items.id", contains(child));
        Api.as(user.token()).queryParam("sort", "oldest").queryParam("limit", 2).get(path).then()
                .body("items.id", contains(fox, percent));
        Api.as(user.token()).queryParam("is_child", "true").get(path).then().body("items.id", contains(child));
        Api.as(user.token()).queryParam("is_child", "false").get(path).then().body("items.id", not(hasItem(child)));
        Api.as(user.token()).queryParam("parent_generation_id", parent).get(path).then().body("items.id", contains(child));
        Api.as(user.token()).queryParam("based_on", fox).get(path).then().body("items.id", contains(derived));
        String foxUrl = Api.as(user.token()).get("/v1/generations/" + fox).then().extract().path("url");
        Api.as(user.token()).queryParam("url", foxUrl).get(path).then().body("items.id", contains(fox));
        Api.as(user.token()).queryParam("has_url", "false").get(path).then()
                .body("items.id", containsInAnyOrder(parent, child, shotParent));
        Api.as(user.token()).queryParam("task_id", task.toString()).get(path).then().body("items.id", contains(byTask));
        Api.as(user.token()).queryParam("in_shot", "true").get(path).then().body("items.id", contains(percent));
        Api.as(user.token()).queryParam("in_shot", "false").get(path).then().body("items.id", not(hasItem(percent)));
        Api.as(user.token()).queryParam("type", "video").queryParam("has_url", "true").get(path).then()
                .body("items.id", contains(nested));

        // Exact totals: the same on every page, absent unless asked.
        Api.as(user.token()).queryParam("limit", 2).queryParam("include_total", true).get(path).then()
                .body("items", org.hamcrest.Matchers.hasSize(2)).body("total", equalTo(8))
                .body("next_cursor", notNullValue());
        String cursor = Api.as(user.token()).queryParam("limit", 2).get(path).then().body("$", not(hasKey("total")))
                .extract().path("next_cursor");
        Api.as(user.token()).queryParam("limit", 2).queryParam("cursor", cursor).queryParam("include_total", "true")
                .queryParam("has_url", "true").get(path).then().body("total", equalTo(5));

        // An empty search is no search (what a cleared search box sends).
        Api.as(user.token()).queryParam("q", "").queryParam("include_total", "true").get(path).then().statusCode(200)
                .body("total", equalTo(8));
        for (String[] bad : new String[][] { { "q", " " }, { "q", "x".repeat(201) }, { "is_child", "yes" },
                { "has_url", "1" }, { "task_id", "abc" }, { "parent_generation_id", "1" }, { "include_total", "1" },
                { "tool_type", "t".repeat(101) }, { "tool_type", "a,b,c,d,e,f,g,h,i,j,k" }, { "in_shot", "maybe" },
                { "child_order", "-1" }, { "child_order", "1.5" }, { "sort", "random" }, { "has_based_on", "x" },
                { "pair_shot_generation_id", "x" } }) {
            Api.as(user.token()).queryParam(bad[0], bad[1]).get(path).then().statusCode(400)
                    .body("errors[0].field", equalTo(bad[0]));
        }
    }

    @Test
    void batchReadsAnswerOnlyTheCallersRowsAndAreBounded() {
        User user = Fixtures.user();
        User other = Fixtures.user();
        String project = Fixtures.project(user);
        String shared = url();
        String a = upload(user, project, Map.of("url", shared));
        String b = upload(user, Fixtures.project(user), Map.of("url", url()));
        String sameUrl = upload(user, project, Map.of("url", shared));
        String foreign = upload(other, Fixtures.project(other), Map.of("url", shared));

        Api.as(user.token()).body(Map.of("ids", List.of(a, b, foreign, UUID.randomUUID().toString(), a)))
                .post("/v1/generations/batch-get").then().statusCode(200).body("items.id", containsInAnyOrder(a, b))
                .body("next_cursor", nullValue());
        Api.as(user.token()).body(Map.of("urls", List.of(shared))).post("/v1/generations/batch-get").then()
                .statusCode(200).body("items.id", containsInAnyOrder(a, sameUrl));
        Api.as(other.token()).body(Map.of("ids", List.of(a, b))).post("/v1/generations/batch-get").then()
                .statusCode(200).body("items", empty());

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            tooMany.add(UUID.randomUUID().toString());
        }
        Api.as(user.token()).body(Map.of("ids", tooMany)).post("/v1/generations/batch-get").then().statusCode(400)
                .body("errors[0].field", equalTo("ids"));
        Api.as(user.token()).body(Map.of("ids", List.of(a), "urls", List.of(shared))).post("/v1/generations/batch-get")
                .then().statusCode(400);
        Api.as(user.token()).body(Map.of()).post("/v1/generations/batch-get").then().statusCode(400);
        Api.as(user.token()).body(Map.of("ids", List.of("not-a-uuid"))).post("/v1/generations/batch-get").then()
                .statusCode(400);
    }

    @Test
    void anUploadWithAnIdempotencyKeyIsMadeOnce() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String path = "/v1/projects/" + project + "/generations";
        Map<String, Object> body = Map.of("type", "image", "url", url(), "params", Map.of("prompt", "once"));
        List<Integer> statuses = Race.run(8, () -> Api.as(user.token()).header("Idempotency-Key", "drop-1").body(body)
                .post(path).then().extract().statusCode());
        assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
        Api.as(user.token()).header("Idempotency-Key", "drop-1").body(body).post(path).then().statusCode(200);
        Api.as(user.token()).header("Idempotency-Key", "drop-1")
                .body(Map.of("type", "image", "url", url())).post(path).then().statusCode(409)
                .body("code", equalTo("idempotency_key_reused"));
        Api.as(user.token()).header("Idempotency-Key", "other").body(Map.of("type", "image", "url", url(),
                "idempotency_key", "different")).post(path).then().statusCode(400);
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsUser(user.id())) {
            assertThat(sql.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid", project)).isEqualTo(1);
            assertThat(sql.count("SELECT count(*) FROM generation_variants WHERE project_id = ?::uuid", project))
                    .isEqualTo(1);
        }
    }
}
