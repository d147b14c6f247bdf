package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** {@code POST /internal/v1/generations}: tasks-service's completion relay delivering at least once. */
@QuarkusTest
class InternalGenerationsApiTest {
    static final String PATH = "/internal/v1/generations";

    @Test
    void createsOnceAndAnswersTheSameRowOnReplay() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        UUID task = UUID.randomUUID();
        Map<String, Object> body = Fixtures.taskGeneration(task, project);
        body.put("thumbnail_url", "https://cdn.example.test/thumb.jpg");
        String id = Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(201)
                .body("task_id", equalTo(task.toString())).body("project_id", equalTo(project))
                .body("type", equalTo("image")).body("params.prompt", equalTo("a cat"))
                .body("tasks", contains(task.toString())).body("variant_count", equalTo(1))
                .body("thumbnail_url", equalTo("https://cdn.example.test/thumb.jpg")).extract().path("id");
        Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(200).body("id", equalTo(id));
        // The user sees it in the project.
        Api.as(user.token()).get("/v1/projects/" + project + "/generations").then().body("items.id", contains(id));
    }

    /**
     * A task's new generation and its original variant are written once, with their final values: the
     * realtime feed carries one INSERT of each and no UPDATE (the rows were once inserted, then rewritten
     * to make the variant primary and the generation show it: two more versions, two more events).
     */
    @Test
    void aTasksGenerationAndItsOriginalVariantAreWrittenOnceAsTheyEndUp() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        UUID task = UUID.randomUUID();
        Map<String, Object> body = Fixtures.taskGeneration(task, project);
        body.put("thumbnail_url", "https://cdn.example.test/thumb-" + task + ".jpg");
        ExtractableResponse<Response> created = Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(201)
                .body("variant_count", equalTo(1)).body("unviewed_variant_count", equalTo(1))
                .body("url", equalTo(body.get("url"))).extract();
        String generation = created.path("id");
        String variant = created.path("primary_variant_id");
        assertThat(variant).isNotNull();
        Api.as(user.token()).get("/v1/generations/" + generation + "/variants").then().statusCode(200)
                .body("items.id", contains(variant)).body("items[0].is_primary", equalTo(true))
                .body("items[0].variant_type", equalTo("original")).body("items[0].task_id", equalTo(task.toString()))
                .body("items[0].thumbnail_url", equalTo(body.get("thumbnail_url")));
        try (SqlSession sql = SqlSession.as("reigh_tasks").actingAsService()) {
            assertThat(sql.query("SELECT table_name, op FROM realtime_events WHERE row_id IN (?::uuid, ?::uuid)"
                    + " ORDER BY id", generation, variant))
                    .containsExactly(List.of("generations", "INSERT"), List.of("generation_variants", "INSERT"));
        }
    }

    /**
     * Rolling upgrades, an old receiver and a new sender: a newer tasks-service adds fields to the
     * generation (one even named like a column this route must not take from anybody). This release
     * creates the generation once and ignores what it does not know. Public bodies stay strict.
     */
    @Test
    void aGenerationCarryingFieldsOfANewerReleaseIsCreatedOnceAndTheUnknownFieldsIgnored() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        UUID task = UUID.randomUUID();
        Map<String, Object> body = Fixtures.taskGeneration(task, project);
        body.put("seed_lineage", Map.of("parent", "x", "depth", 2));
        body.put("is_public", true);
        String id = Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(201)
                .body("task_id", equalTo(task.toString())).extract().path("id");
        Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(200).body("id", equalTo(id));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM generations WHERE task_id = ?", task)).isEqualTo(1);
        }

        Api.as(user.token()).body(Map.of("type", "image", "url", "https://cdn.example.test/g.png", "seed_lineage", "x"))
                .post("/v1/projects/" + project + "/generations").then().statusCode(400)
                .body("code", equalTo("unknown_field")).body("errors[0].field", equalTo("seed_lineage"));
    }

    /**
     * The relay's batch: each generation delivered as the single call delivers it and answered on its
     * own, in order. A repeat of a task finds the row the first made; a project that is gone, an item
     * that is not an object and one without a url are refused alone.
     */
    @Test
    void aBatchDeliversEachGenerationAsTheSingleCallAndAnswersEachOnItsOwn() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        UUID noUrl = UUID.randomUUID();
        Map<String, Object> withoutUrl = Fixtures.taskGeneration(noUrl, project);
        withoutUrl.remove("url");
        List<Object> batch = List.of(Fixtures.taskGeneration(first, project), Fixtures.taskGeneration(second, project),
                Fixtures.taskGeneration(first, project), Fixtures.taskGeneration(gone, UUID.randomUUID().toString()),
                "not an object", withoutUrl);

        ExtractableResponse<Response> answer = Api.as(Tokens.service()).body(Map.of("generations", batch))
                .post(PATH + "/batch").then().statusCode(200).extract();

        assertThat(answer.<List<Integer>>path("results.status")).containsExactly(201, 201, 200, 404, 400, 400);
        assertThat(answer.<List<String>>path("results.task_id")).containsExactly(first.toString(), second.toString(),
                first.toString(), gone.toString(), null, noUrl.toString());
        assertThat(answer.<String>path("results[2].generation.id")).isEqualTo(answer.path("results[0].generation.id"));
        assertThat(answer.<String>path("results[1].generation.project_id")).isEqualTo(project);
        assertThat(answer.<String>path("results[3].problem.code")).isEqualTo("not_found");
        assertThat(answer.<String>path("results[4].problem.errors[0].field")).isEqualTo("generations");
        assertThat(answer.<String>path("results[5].problem.errors[0].field")).isEqualTo("url");
        assertThat(answer.<Object>path("results[3].generation")).isNull();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM generations WHERE task_id IN (?, ?, ?, ?)", first, second, gone,
                    noUrl)).isEqualTo(2);
        }
        // The same batch again (a lost answer): every generation found, none made twice.
        Api.as(Tokens.service()).body(Map.of("generations", batch.subList(0, 2))).post(PATH + "/batch").then()
                .statusCode(200).body("results.status", contains(200, 200));
    }

    @Test
    void aBatchIsBoundedAndOnlyForServices() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        Api.as(Tokens.service()).body(Map.of("generations", List.of())).post(PATH + "/batch").then().statusCode(400)
                .body("errors[0].field", equalTo("generations"));
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tooMany.add(Fixtures.taskGeneration(UUID.randomUUID(), project));
        }
        Api.as(Tokens.service()).body(Map.of("generations", tooMany)).post(PATH + "/batch").then().statusCode(400)
                .body("errors[0].field", equalTo("generations"));
        // Each item's stored trace context, when given, is a W3C traceparent (null: none was stored).
        Api.as(Tokens.service()).body(Map.of("generations", List.of(Fixtures.taskGeneration(UUID.randomUUID(), project)),
                "traceparents", List.of("not-a-traceparent"))).post(PATH + "/batch").then().statusCode(400)
                .body("errors[0].field", containsString("traceparents"));
        Map<String, Object> one = Map.of("generations", List.of(Fixtures.taskGeneration(UUID.randomUUID(), project)));
        Api.as(user.token()).body(one).post(PATH + "/batch").then().statusCode(403);
        Api.as(Tokens.worker()).body(one).post(PATH + "/batch").then().statusCode(403);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid", project)).isZero();
        }
        List<String> traceparents = new ArrayList<>();
        traceparents.add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        traceparents.add(null);
        Api.as(Tokens.service()).body(Map.of("generations", List.of(Fixtures.taskGeneration(UUID.randomUUID(), project),
                Fixtures.taskGeneration(UUID.randomUUID(), project)), "traceparents", traceparents))
                .post(PATH + "/batch").then().statusCode(200).body("results.status", contains(201, 201));
    }

    @Test
    void onlyServicesMayCallIt() {
        User user = Fixtures.user();
        Map<String, Object> body = Fixtures.taskGeneration(UUID.randomUUID(), Fixtures.project(user));
        Api.as(user.token()).body(body).post(PATH).then().statusCode(403);
        Api.as(Tokens.worker()).body(body).post(PATH).then().statusCode(403);
        Api.given().contentType("application/json").body(body).post(PATH).then().statusCode(401);
    }

    @Test
    void validationAndUnknownProject() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        Map<String, Object> noTask = Fixtures.taskGeneration(UUID.randomUUID(), project);
        noTask.remove("task_id");
        Api.as(Tokens.service()).body(noTask).post(PATH).then().statusCode(400)
                .body("errors[0].field", equalTo("task_id"));
        Map<String, Object> badType = Fixtures.taskGeneration(UUID.randomUUID(), project);
        badType.put("type", "audio");
        Api.as(Tokens.service()).body(badType).post(PATH).then().statusCode(400).body("errors[0].field", equalTo("type"));
        Map<String, Object> badUrl = Fixtures.taskGeneration(UUID.randomUUID(), project);
        badUrl.put("url", "s3://bucket/key");
        Api.as(Tokens.service()).body(badUrl).post(PATH).then().statusCode(400).body("errors[0].field", equalTo("url"));
        Api.as(Tokens.service()).body(Fixtures.taskGeneration(UUID.randomUUID(), UUID.randomUUID().toString()))
                .post(PATH).then().statusCode(404);
        // One task, one generation: the same task in another project is a conflict, not a second row.
        UUID task = UUID.randomUUID();
        Api.as(Tokens.service()).body(Fixtures.taskGeneration(task, project)).post(PATH).then().statusCode(201);
        Api.as(Tokens.service()).body(Fixtures.taskGeneration(task, Fixtures.project(user))).post(PATH).then()
                .statusCode(409).body("code", equalTo("task_generation_conflict"));
    }

    @Test
    void linksToTheShotAtTheEndOrUnpositioned() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), 4);

        Map<String, Object> positioned = Fixtures.taskGeneration(UUID.randomUUID(), project);
        positioned.put("shot_id", shot);
        positioned.put("add_in_position", true);
        String atEnd = Api.as(Tokens.service()).body(positioned).post(PATH).then().statusCode(201).extract().path("id");
        // A replay does not link it twice.
        Api.as(Tokens.service()).body(positioned).post(PATH).then().statusCode(200);

        Map<String, Object> unpositioned = Fixtures.taskGeneration(UUID.randomUUID(), project);
        unpositioned.put("shot_id", shot);
        String loose = Api.as(Tokens.service()).body(unpositioned).post(PATH).then().statusCode(201).extract().path("id");

        var links = Api.as(user.token()).get("/v1/shots/" + shot + "/generations").then().statusCode(200).extract();
        // Positions are frames: the next one is the last + 50.
        assertThat(links.<List<Integer>>path("items.position")).containsExactly(4, 54, null);
        assertThat(links.<List<String>>path("items.generation_id").subList(1, 3)).containsExactly(atEnd, loose);

        // At the end of the frames allowed, a task's output is linked off the timeline rather than lost.
        String full = Fixtures.shot(user, project, "Full");
        Fixtures.linkId(user, full, Fixtures.generation(user, project, "image"), 999_990);
        Map<String, Object> late = Fixtures.taskGeneration(UUID.randomUUID(), project);
        late.put("shot_id", full);
        late.put("add_in_position", true);
        Api.as(Tokens.service()).body(late).post(PATH).then().statusCode(201);
        assertThat(Api.as(user.token()).get("/v1/shots/" + full + "/generations").then().extract()
                .<List<Integer>>path("items.position")).containsExactly(999_990, null);
    }

    @Test
    void anUnknownShotIsIgnored() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shotOfAnotherProject = Fixtures.shot(user, Fixtures.project(user), "elsewhere");
        for (String shot : List.of(UUID.randomUUID().toString(), shotOfAnotherProject)) {
            Map<String, Object> body = Fixtures.taskGeneration(UUID.randomUUID(), project);
            body.put("shot_id", shot);
            body.put("add_in_position", true);
            String id = Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(201).extract().path("id");
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE generation_id = ?::uuid", id)).isZero();
            }
        }
        Api.as(user.token()).get("/v1/shots/" + shotOfAnotherProject + "/generations").then().body("items.id",
                org.hamcrest.Matchers.empty());
    }

    @Test
    void tenParallelDeliveriesOfOneTaskMakeOneGeneration() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        UUID task = UUID.randomUUID();
        Map<String, Object> body = Fixtures.taskGeneration(task, project);
        body.put("shot_id", shot);
        body.put("add_in_position", true);
        List<ExtractableResponse<Response>> answers = Race.run(10,
                () -> Api.as(Tokens.service()).body(body).post(PATH).then().extract());
        assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isIn(200, 201));
        assertThat(answers.stream().filter(a -> a.statusCode() == 201).count()).isEqualTo(1);
        assertThat(answers.stream().map(a -> a.<String>path("id")).distinct().count()).isEqualTo(1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM generations WHERE task_id = ?::uuid", task)).isEqualTo(1);
            assertThat(sql.count("SELECT count(*) FROM shot_generations sg JOIN generations g ON g.id = sg.generation_id"
                    + " WHERE g.task_id = ?::uuid", task)).isEqualTo(1);
        }
        Api.as(user.token()).get("/v1/shots/" + shot + "/generations").then().body("items.position", contains(0))
                .body("items[0].generation_id", equalTo(answers.get(0).path("id")))
                .body("next_cursor", nullValue());
    }

    /** A task whose params name a source generation: an upscale of {@code source}. */
    private static Map<String, Object> variantOf(String source, UUID task, String project, Map<String, Object> extra) {
        Map<String, Object> body = Fixtures.taskGeneration(task, project);
        Map<String, Object> params = new java.util.HashMap<>(Map.of("based_on", source, "scale", 2));
        params.putAll(extra);
        body.put("metadata", params);
        body.put("url", "https://cdn.example.test/tasks/" + task + "-up.png");
        body.put("thumbnail_url", "https://cdn.example.test/tasks/" + task + "-up-t.png");
        return body;
    }

    @Test
    void aTaskThatNamesASourceGenerationAddsAVariantToItOnceHoweverOftenItIsDelivered() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String source = Fixtures.generation(user, project, "image");
        String sourceUrl = Api.as(user.token()).get("/v1/generations/" + source).then().extract().path("url");
        UUID task = UUID.randomUUID();
        Map<String, Object> body = variantOf(source, task, project, Map.of("variant_type", "upscaled"));

        Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(201).body("id", equalTo(source))
                .body("tasks", contains(task.toString())).body("variant_count", equalTo(2))
                .body("url", equalTo(sourceUrl));
        Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(200).body("id", equalTo(source))
                .body("variant_count", equalTo(2));
        List<Integer> replays = Race.run(8, () -> Api.as(Tokens.service()).body(body).post(PATH).then().extract()
                .statusCode());
        assertThat(replays).containsOnly(200);
        Api.as(user.token()).queryParam("variant_type", "upscaled").get("/v1/generations/" + source + "/variants")
                .then().body("items", org.hamcrest.Matchers.hasSize(1)).body("items[0].task_id", equalTo(task.toString()))
                .body("items[0].is_primary", equalTo(false)).body("items[0].viewed_at", nullValue())
                .body("items[0].params.scale", equalTo(2));
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM generation_variants WHERE task_id = ?::uuid", task)).isEqualTo(1);
            assertThat(sql.count("SELECT count(*) FROM generations WHERE task_id = ?::uuid", task)).isZero();
        }
    }

    @Test
    void parallelFirstDeliveriesOfAVariantTaskAddOneVariant() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String source = Fixtures.generation(user, project, "image");
        UUID task = UUID.randomUUID();
        Map<String, Object> body = variantOf(source, task, project, Map.of("is_primary", true));
        List<Integer> statuses = Race.run(10, () -> Api.as(Tokens.service()).body(body).post(PATH).then().extract()
                .statusCode());
        assertThat(statuses).containsOnlyOnce(201).containsOnly(200, 201);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM generation_variants WHERE task_id = ?::uuid", task)).isEqualTo(1);
            assertThat(sql.query("SELECT g.url = v.url, g.primary_variant_id = v.id, cardinality(g.tasks)"
                    + " FROM generations g JOIN generation_variants v ON v.generation_id = g.id"
                    + " WHERE v.task_id = ?::uuid", task)).containsExactly(List.of(true, true, 1));
        }
    }

    @Test
    void aSourceOutsideTheTasksProjectIsNeverTouchedAndTheOutputBecomesAGeneration() {
        User user = Fixtures.user();
        User victim = Fixtures.user();
        String project = Fixtures.project(user);
        String victims = Fixtures.generation(victim, Fixtures.project(victim), "image");
        String mineElsewhere = Fixtures.generation(user, Fixtures.project(user), "image");
        for (String source : List.of(victims, mineElsewhere, UUID.randomUUID().toString())) {
            UUID task = UUID.randomUUID();
            String made = Api.as(Tokens.service()).body(variantOf(source, task, project, Map.of("is_primary", true)))
                    .post(PATH).then().statusCode(201).body("project_id", equalTo(project))
                    .body("task_id", equalTo(task.toString())).body("based_on", nullValue()).extract().path("id");
            assertThat(made).isNotEqualTo(source);
        }
        Api.as(victim.token()).get("/v1/generations/" + victims).then().body("variant_count", equalTo(1));
        Api.as(user.token()).get("/v1/generations/" + mineElsewhere).then().body("variant_count", equalTo(1));
    }

    @Test
    void createAsGenerationMakesANewGenerationBasedOnTheSource() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String source = Fixtures.generation(user, project, "image");
        UUID task = UUID.randomUUID();
        Api.as(Tokens.service()).body(variantOf(source, task, project, Map.of("create_as_generation", true)))
                .post(PATH).then().statusCode(201).body("based_on", equalTo(source))
                .body("task_id", equalTo(task.toString())).body("variant_count", equalTo(1));
        Api.as(user.token()).get("/v1/generations/" + source).then().body("variant_count", equalTo(1));
    }

    @Test
    void aVariantTaskOnAPlaceholderMakesItsFirstVariantPrimary() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String placeholder = Api.as(user.token()).body(Map.of("type", "video"))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201).extract().path("id");
        UUID task = UUID.randomUUID();
        Map<String, Object> body = variantOf(placeholder, task, project, Map.of());
        body.put("type", "video");
        Api.as(Tokens.service()).body(body).post(PATH).then().statusCode(201).body("id", equalTo(placeholder))
                .body("url", equalTo(body.get("url"))).body("thumbnail_url", equalTo(body.get("thumbnail_url")));
    }
}
