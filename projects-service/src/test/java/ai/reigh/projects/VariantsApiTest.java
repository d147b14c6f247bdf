package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
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

/**
 * {@code /v1/generations/{id}/variants}: CRUD, the primary (exactly one, its media the generation's,
 * raced on purpose), star, viewed, the originals' protection, idempotent adds, caps, project-wide
 * lists, batch reads and tenancy.
 */
@QuarkusTest
class VariantsApiTest {

    private static String url(String name) {
        return "https://cdn.example.test/" + UUID.randomUUID() + "/" + name;
    }

    private static String generation(User user, String project) {
        return Api.as(user.token()).body(Map.of("type", "image", "url", url("original.png")))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201).extract().path("id");
    }

    private static String variant(User user, String generation, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.putIfAbsent("url", url("variant.png"));
        return Api.as(user.token()).body(body).post("/v1/generations/" + generation + "/variants").then()
                .statusCode(201).extract().path("id");
    }

    private static void assertShowsItsOnlyPrimary(User user, String generation) {
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsUser(user.id())) {
            assertThat(sql.query("SELECT count(*) FILTER (WHERE v.is_primary),"
                    + " bool_and(NOT v.is_primary OR (g.primary_variant_id = v.id AND g.url = v.url"
                    + " AND g.thumbnail_url IS NOT DISTINCT FROM v.thumbnail_url))"
                    + " FROM generations g JOIN generation_variants v ON v.generation_id = g.id WHERE g.id = ?::uuid",
                    generation)).containsExactly(List.of(1L, true));
        }
    }

    @Test
    void addListGetEditAndTheGenerationShowsItsPrimary() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String generation = generation(user, project);
        String upscaled = url("up.png");
        String edit = variant(user, generation, Map.of("url", upscaled, "thumbnail_url", "https://cdn.example.test/up-t.png",
                "variant_type", "upscaled", "params", Map.of("scale", 2, "tool_type", "image-upscale"), "name", "2x"));
        String base = "/v1/generations/" + generation + "/variants";
        Api.as(user.token()).get(base + "/" + edit).then().statusCode(200).body("is_primary", equalTo(false))
                .body("variant_type", equalTo("upscaled")).body("viewed_at", nullValue()).body("params.scale", equalTo(2))
                .body("generation_id", equalTo(generation)).body("project_id", equalTo(project));
        Api.as(user.token()).get("/v1/generations/" + generation).then().body("variant_count", equalTo(2))
                .body("unviewed_variant_count", equalTo(1));
        Api.as(user.token()).queryParam("include_total", "true").get(base).then().statusCode(200)
                .body("items", hasSize(2)).body("items[0].id", equalTo(edit)).body("total", equalTo(2));
        Api.as(user.token()).queryParam("variant_type", "upscaled,magic_edit").get(base).then()
                .body("items.id", contains(edit));
        Api.as(user.token()).queryParam("is_primary", "true").get(base).then()
                .body("items[0].variant_type", equalTo("original"));

        Api.as(user.token()).post(base + "/" + edit + "/primary").then().statusCode(200)
                .body("url", equalTo(upscaled)).body("thumbnail_url", equalTo("https://cdn.example.test/up-t.png"))
                .body("primary_variant_id", equalTo(edit));
        assertShowsItsOnlyPrimary(user, generation);

        Map<String, Object> patch = new HashMap<>();
        patch.put("starred", true);
        patch.put("name", null);
        patch.put("params", Map.of("scale", 4));
        patch.put("thumbnail_url", "https://cdn.example.test/up-t2.png");
        Api.as(user.token()).body(patch).patch(base + "/" + edit).then().statusCode(200)
                .body("starred", equalTo(true)).body("name", nullValue()).body("params.scale", equalTo(4))
                .body("params.tool_type", equalTo("image-upscale"));
        Api.as(user.token()).get("/v1/generations/" + generation).then()
                .body("thumbnail_url", equalTo("https://cdn.example.test/up-t2.png"));
        assertShowsItsOnlyPrimary(user, generation);
        Api.as(user.token()).queryParam("starred", "true").get(base).then().body("items.id", contains(edit));

        Api.as(user.token()).post(base + "/" + edit + "/viewed").then().statusCode(200).body("viewed_at", notNullValue());
        String firstView = Api.as(user.token()).get(base + "/" + edit).then().extract().path("viewed_at");
        Api.as(user.token()).post(base + "/" + edit + "/viewed").then().body("viewed_at", equalTo(firstView));
        variant(user, generation, Map.of());
        variant(user, generation, Map.of());
        Api.as(user.token()).post(base + "/viewed").then().statusCode(200).body("unviewed_variant_count", equalTo(0))
                .body("variant_count", equalTo(4));
    }

    @Test
    void aNewVariantIsPrimaryWhenAskedOrWhenItIsTheFirst() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String generation = generation(user, project);
        String trimmed = url("trim.mp4");
        String id = Api.as(user.token()).body(Map.of("url", trimmed, "is_primary", true, "variant_type", "trimmed"))
                .post("/v1/generations/" + generation + "/variants").then().statusCode(201)
                .body("is_primary", equalTo(true)).extract().path("id");
        Api.as(user.token()).get("/v1/generations/" + generation).then().body("url", equalTo(trimmed))
                .body("primary_variant_id", equalTo(id));
        assertShowsItsOnlyPrimary(user, generation);

        String placeholder = Api.as(user.token()).body(Map.of("type", "video")).post("/v1/projects/" + project
                + "/generations").then().statusCode(201).extract().path("id");
        String stitched = url("final.mp4");
        String first = variant(user, placeholder, Map.of("url", stitched, "variant_type", "travel_stitch"));
        Api.as(user.token()).get("/v1/generations/" + placeholder).then().body("url", equalTo(stitched))
                .body("primary_variant_id", equalTo(first));
    }

    @Test
    void theOriginalAndThePrimaryAreNotDeletedOneByOneButAllEditsGoAtOnce() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String generation = generation(user, project);
        String base = "/v1/generations/" + generation + "/variants";
        String original = Api.as(user.token()).get("/v1/generations/" + generation).then().extract()
                .path("primary_variant_id");
        String originalUrl = Api.as(user.token()).get("/v1/generations/" + generation).then().extract().path("url");
        String edit = variant(user, generation, Map.of("variant_type", "magic_edit"));
        String other = variant(user, generation, Map.of("variant_type", "inpaint"));
        Api.as(user.token()).post(base + "/" + edit + "/primary").then().statusCode(200);

        Api.as(user.token()).delete(base + "/" + edit).then().statusCode(409).body("code", equalTo("variant_is_primary"));
        Api.as(user.token()).delete(base + "/" + original).then().statusCode(409)
                .body("code", equalTo("variant_is_original"));
        Api.as(user.token()).delete(base + "/" + other).then().statusCode(204);
        Api.as(user.token()).get(base + "/" + other).then().statusCode(404);
        Api.as(user.token()).body(Map.of("variant_type", "original")).patch(base + "/" + edit).then().statusCode(400);
        Api.as(user.token()).body(Map.of("url", url("x.png"), "variant_type", "original")).post(base).then()
                .statusCode(400).body("errors[0].field", equalTo("variant_type"));

        Api.as(user.token()).delete(base).then().statusCode(200).body("url", equalTo(originalUrl))
                .body("primary_variant_id", equalTo(original)).body("variant_count", equalTo(1));
        assertShowsItsOnlyPrimary(user, generation);

        // Without an original, the generation is a placeholder again.
        String placeholder = Api.as(user.token()).body(Map.of("type", "video")).post("/v1/projects/" + project
                + "/generations").then().statusCode(201).extract().path("id");
        variant(user, placeholder, Map.of("variant_type", "travel_stitch"));
        Api.as(user.token()).delete("/v1/generations/" + placeholder + "/variants").then().statusCode(200)
                .body("url", nullValue()).body("primary_variant_id", nullValue()).body("variant_count", equalTo(0));
    }

    @Test
    void twoCallsMakingDifferentVariantsPrimaryAtOnceLeaveExactlyOnePrimaryShownByTheGeneration() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String generation = generation(user, project);
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            candidates.add(variant(user, generation, Map.of("thumbnail_url", url("t" + i + ".png"))));
        }
        for (int round = 0; round < 5; round++) {
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            List<Integer> statuses = Race.run(candidates.size(), () -> Api.as(user.token())
                    .post("/v1/generations/" + generation + "/variants/" + candidates.get(next.getAndIncrement())
                            + "/primary")
                    .then().extract().statusCode());
            assertThat(statuses).containsOnly(200);
            assertShowsItsOnlyPrimary(user, generation);
        }
    }

    @Test
    void concurrentAddsAskingForThePrimaryKeepOneAndTheCapHolds() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String generation = generation(user, project);
        List<Integer> statuses = Race.run(10, () -> Api.as(user.token())
                .body(Map.of("url", url("v.png"), "is_primary", true)).post("/v1/generations/" + generation + "/variants")
                .then().extract().statusCode());
        assertThat(statuses).containsOnly(201);
        assertShowsItsOnlyPrimary(user, generation);
    }

    @Test
    void anAddWithAnIdempotencyKeyIsMadeOnce() throws Exception {
        User user = Fixtures.user();
        String generation = generation(user, Fixtures.project(user));
        String base = "/v1/generations/" + generation + "/variants";
        Map<String, Object> body = Map.of("url", url("edit.png"), "variant_type", "magic_edit");
        List<Integer> statuses = Race.run(6, () -> Api.as(user.token()).header("Idempotency-Key", "edit-1").body(body)
                .post(base).then().extract().statusCode());
        assertThat(statuses).containsOnlyOnce(201).containsOnly(200, 201);
        Api.as(user.token()).header("Idempotency-Key", "edit-1").body(Map.of("url", url("other.png"))).post(base)
                .then().statusCode(409).body("code", equalTo("idempotency_key_reused"));
        Api.as(user.token()).get(base).then().body("items", hasSize(2));
    }

    @Test
    void badInputIsA400AndEveryLimitHolds() {
        User user = Fixtures.user();
        String generation = generation(user, Fixtures.project(user));
        String base = "/v1/generations/" + generation + "/variants";
        Api.as(user.token()).body(Map.of()).post(base).then().statusCode(400);
        Api.as(user.token()).body(Map.of("url", url("a.png"), "object_id", UUID.randomUUID().toString())).post(base)
                .then().statusCode(400);
        Api.as(user.token()).body(Map.of("url", "javascript:alert(1)")).post(base).then().statusCode(400)
                .body("errors[0].field", equalTo("url"));
        Api.as(user.token()).body(Map.of("url", url("a.png"), "variant_type", "Not A Type")).post(base).then()
                .statusCode(400).body("errors[0].field", equalTo("variant_type"));
        Api.as(user.token()).body(Map.of("url", url("a.png"), "params", List.of(1))).post(base).then().statusCode(400)
                .body("errors[0].field", equalTo("params"));
        Api.as(user.token()).body(Map.of("url", url("a.png"), "is_primary", "yes")).post(base).then().statusCode(400);
        Api.as(user.token()).body(Map.of("url", url("a.png"), "generation_id", generation)).post(base).then()
                .statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(user.token()).queryParam("variant_type", String.join(",", java.util.Collections.nCopies(21, "a")))
                .get(base).then().statusCode(400).body("errors[0].field", equalTo("variant_type"));
        Api.as(user.token()).queryParam("is_primary", "1").get(base).then().statusCode(400);
        Api.as(user.token()).get(base + "/not-a-uuid").then().statusCode(404);
        Api.as(user.token()).get(base + "/" + UUID.randomUUID()).then().statusCode(404);
        Api.as(user.token()).post("/v1/generations/" + UUID.randomUUID() + "/variants/" + UUID.randomUUID() + "/primary")
                .then().statusCode(404);
    }

    @Test
    void theVariantCapPerGenerationHolds() {
        User user = Fixtures.user();
        String generation = generation(user, Fixtures.project(user));
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsUser(user.id())) {
            // Fill up to the cap (1000 with the original) in SQL: the route is what is under test.
            sql.update("INSERT INTO generation_variants (generation_id, project_id, url, variant_type)"
                    + " SELECT g.id, g.project_id, 'https://cdn.example.test/fill/' || i, 'filler'"
                    + " FROM generations g, generate_series(1, 999) i WHERE g.id = ?::uuid", generation);
        }
        Api.as(user.token()).body(Map.of("url", url("one-too-many.png"))).post("/v1/generations/" + generation
                + "/variants").then().statusCode(422).body("code", equalTo("quota_exceeded"));
    }

    @Test
    void projectWideListsAndBatchReads() {
        User user = Fixtures.user();
        User other = Fixtures.user();
        String project = Fixtures.project(user);
        String g1 = generation(user, project);
        String g2 = generation(user, project);
        String up = variant(user, g1, Map.of("variant_type", "upscaled", "params", Map.of("tool_type", "image-upscale")));
        String edit = variant(user, g2, Map.of("variant_type", "magic_edit", "params", Map.of("tool_type", "edit-images")));
        String path = "/v1/projects/" + project + "/variants";
        Api.as(user.token()).queryParam("include_total", "true").get(path).then().statusCode(200)
                .body("items", hasSize(4)).body("total", equalTo(4));
        Api.as(user.token()).queryParam("tool_type", "edit-images").get(path).then().body("items.id", contains(edit));
        Api.as(user.token()).queryParam("variant_type", "upscaled").queryParam("include_total", "true").get(path)
                .then().body("items.id", contains(up)).body("total", equalTo(1));
        Api.as(other.token()).get(path).then().statusCode(404);
        Api.as(user.token()).queryParam("type", "video").get(path).then().body("items", empty());
        Api.as(user.token()).queryParam("sort", "oldest").queryParam("variant_type", "upscaled,magic_edit").get(path)
                .then().body("items.id", contains(up, edit));
        String child = variant(user, g2, Map.of("params", Map.of("parent_variant_id", edit)));
        Api.as(user.token()).queryParam("parents_only", "true").get(path).then().body("items.id",
                org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(child))).body("items", hasSize(4));
        String upUrl = Api.as(user.token()).get("/v1/generations/" + g1 + "/variants/" + up).then().extract().path("url");
        Api.as(user.token()).body(Map.of("urls", List.of(upUrl))).post("/v1/generations/variants/batch-get").then()
                .statusCode(200).body("items.id", contains(up));

        Api.as(user.token()).body(Map.of("ids", List.of(up, edit, UUID.randomUUID().toString())))
                .post("/v1/generations/variants/batch-get").then().statusCode(200)
                .body("items.id", containsInAnyOrder(up, edit)).body("items.generation_id", containsInAnyOrder(g1, g2));
        Api.as(other.token()).body(Map.of("ids", List.of(up, edit))).post("/v1/generations/variants/batch-get").then()
                .statusCode(200).body("items", empty());
        Api.as(user.token()).body(Map.of("ids", List.of())).post("/v1/generations/variants/batch-get").then()
                .statusCode(400);
    }

    /** Both lists walked one variant per page by cursor, each way: every variant once, in order. */
    @Test
    void bothListsWalkByCursorInOrderEachWay() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String generation = generation(user, project);
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            added.add(variant(user, generation, Map.of("variant_type", "upscaled")));
        }
        String inGeneration = "/v1/generations/" + generation + "/variants";
        String inProject = "/v1/projects/" + project + "/variants";
        List<String> newestFirst = new ArrayList<>(added);
        java.util.Collections.reverse(newestFirst);
        assertThat(walk(user, inGeneration, Map.of("variant_type", "upscaled"))).isEqualTo(newestFirst);
        assertThat(walk(user, inProject, Map.of("variant_type", "upscaled"))).isEqualTo(newestFirst);
        assertThat(walk(user, inProject, Map.of("variant_type", "upscaled", "sort", "oldest"))).isEqualTo(added);
        assertThat(walk(user, inGeneration, Map.of())).hasSize(5).containsAll(added);
    }

    private static List<String> walk(User user, String path, Map<String, String> filters) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            var request = Api.as(user.token()).queryParams(filters).queryParam("limit", "1");
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var answer = request.get(path).then().statusCode(200).extract();
            ids.addAll(answer.path("items.id"));
            cursor = answer.path("next_cursor");
            if (cursor == null) {
                return ids;
            }
        }
        throw new AssertionError("more than 10 pages of one variant: " + ids);
    }

    @Test
    void anotherUsersVariantsAreNotFoundOnEveryRoute() {
        User owner = Fixtures.user();
        User intruder = Fixtures.user();
        String generation = generation(owner, Fixtures.project(owner));
        String edit = variant(owner, generation, Map.of());
        String base = "/v1/generations/" + generation + "/variants";
        String as = intruder.token();
        Api.as(as).get(base).then().statusCode(404);
        Api.as(as).body(Map.of("url", url("evil.png"))).post(base).then().statusCode(404);
        Api.as(as).get(base + "/" + edit).then().statusCode(404);
        Api.as(as).body(Map.of("starred", true)).patch(base + "/" + edit).then().statusCode(404);
        Api.as(as).post(base + "/" + edit + "/primary").then().statusCode(404);
        Api.as(as).post(base + "/" + edit + "/viewed").then().statusCode(404);
        Api.as(as).post(base + "/viewed").then().statusCode(404);
        Api.as(as).delete(base + "/" + edit).then().statusCode(404);
        Api.as(as).delete(base).then().statusCode(404);
        Api.as(owner.token()).get(base + "/" + edit).then().statusCode(200).body("starred", equalTo(false))
                .body("is_primary", equalTo(false)).body("viewed_at", nullValue());
        Api.as(owner.token()).get(base).then().body("items", hasSize(2));
    }
}
