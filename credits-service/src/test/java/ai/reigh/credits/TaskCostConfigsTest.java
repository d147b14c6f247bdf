package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** The registry of task types: list, versioned admin upsert with validation, estimates. */
@QuarkusTest
class TaskCostConfigsTest {
    private static final String ESTIMATE = "/v1/task-costs/estimate";

    @Test
    void everySignedInCallerListsTheConfigs() {
        JsonPath list = Api.as(Tokens.user(UUID.randomUUID())).get("/v1/task-costs").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Object> segment = list.getMap("items.find { it.task_type == 'travel_segment' }");
        assertThat(segment).containsEntry("billing_type", "per_second").containsEntry("run_type", "gpu")
                .containsEntry("category", "generation").containsEntry("content_type", "video")
                .containsEntry("is_active", true);
        assertThat((BigDecimal) segment.get("base_cost_per_second")).isEqualByComparingTo("0.0278");
        assertThat(list.getList("items.task_type")).contains("single_image", "travel_orchestrator", "qwen_image");
        Map<String, Object> image = list.getMap("items.find { it.task_type == 'single_image' }");
        assertThat(image.get("cost_factors").toString()).contains("2048x2048");

        Api.as(Tokens.worker()).get("/v1/task-costs").then().statusCode(200);
        Api.given().get("/v1/task-costs").then().statusCode(401);
        // The operator console's estimate tool calls it with an admin token.
        Api.as(Tokens.admin(UUID.randomUUID())).body(Map.of("task_type", "single_image", "params", Map.of()))
                .post(ESTIMATE).then().statusCode(200);
    }

    @Test
    void anUpsertCreatesThenVersionsAndAnIdenticalPutWritesNoVersion() {
        String type = TaskCosts.newType();
        Map<String, Object> body = new HashMap<>(Map.of("billing_type", "per_unit", "unit_cost", new BigDecimal("0.5"),
                "cost_factors", Map.of("modelType", Map.of("pro", 2)), "run_type", "api", "category", "processing",
                "content_type", "image", "display_name", "Test type"));

        TaskCosts.put(type, body).then().statusCode(201).body("version", equalTo(1)).body("task_type", equalTo(type))
                .body("run_type", equalTo("api")).body("cost_factors.modelType.pro", equalTo(2));
        body.put("unit_cost", new BigDecimal("0.75"));
        TaskCosts.put(type, body).then().statusCode(200).body("version", equalTo(2));
        TaskCosts.put(type, body).then().statusCode(200).body("version", equalTo(2));
        body.put("is_active", false);
        TaskCosts.put(type, body).then().statusCode(200).body("version", equalTo(3)).body("is_active", equalTo(false));

        assertThat(TaskCosts.versions(type)).isEqualTo(3);
        assertThat(TaskCosts.validFrom(type, 2)).isAfter(TaskCosts.validFrom(type, 1));
        List<Map<String, Object>> items = Api.as(Tokens.user(UUID.randomUUID())).get("/v1/task-costs").jsonPath()
                .getList("items.findAll { it.task_type == '" + type + "' }");
        assertThat(items).hasSize(1);
        assertThat((BigDecimal) items.get(0).get("unit_cost")).isEqualByComparingTo("0.75");
    }

    @Test
    void concurrentUpdatesGetIncreasingVersionsInTheOrderTheyTookEffect() {
        String type = TaskCosts.create(Map.of("billing_type", "per_unit", "unit_cost", 1));

        List<Response> answers = Race.run(10, i -> TaskCosts.put(type,
                Map.of("billing_type", "per_unit", "unit_cost", new BigDecimal(2 + i))));

        assertThat(answers).extracting(Response::statusCode).containsOnly(200);
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            List<List<Object>> versions = credits.query(
                    "SELECT version, valid_from FROM task_cost_config_versions WHERE task_type = ? ORDER BY version", type);
            assertThat(versions).hasSize(11);
            for (int i = 1; i < versions.size(); i++) {
                Timestamp previous = (Timestamp) versions.get(i - 1).get(1);
                Timestamp current = (Timestamp) versions.get(i).get(1);
                assertThat(current).as("valid_from of version %s", versions.get(i).get(0)).isAfter(previous);
            }
            // The current config is the last version: what pricing picks for a task starting now.
            assertThat(credits.value("SELECT c.unit_cost = v.unit_cost FROM task_cost_configs c JOIN task_cost_config_versions v "
                    + "ON v.task_type = c.task_type AND v.version = c.version WHERE c.task_type = ?", type))
                    .isEqualTo(Boolean.TRUE);
        }
    }

    @Test
    void invalidConfigsAre400WithFieldErrors() {
        String type = TaskCosts.newType();
        expectFieldError(type, Map.of("billing_type", "per_minute", "unit_cost", 1), "billing_type");
        expectFieldError(type, Map.of("unit_cost", 1), "billing_type");
        expectFieldError(type, Map.of("billing_type", "per_second", "base_cost_per_second", -0.1), "base_cost_per_second");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", new BigDecimal("0.0000001")), "unit_cost");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1000000), "unit_cost");
        expectFieldError(type, Map.of("billing_type", "per_second"), "base_cost_per_second");
        expectFieldError(type, Map.of("billing_type", "per_unit"), "unit_cost");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "run_type", "cpu"), "run_type");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "category", "misc"), "category");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "cost_factors",
                Map.of("resolution", Map.of("hd", "two"))), "cost_factors.resolution.hd");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "cost_factors",
                Map.of("resolution", Map.of("hd", -1))), "cost_factors.resolution.hd");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "cost_factors",
                Map.of("modelType", List.of(1, 2))), "cost_factors.modelType");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "cost_factors",
                Map.of("frameCount", "0.1")), "cost_factors.frameCount");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "cost_factors",
                Map.of("duration", 2)), "cost_factors.duration");
        expectFieldError(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "cost_factors", List.of()), "cost_factors");
        expectFieldError("Bad-Type", Map.of("billing_type", "per_unit", "unit_cost", 1), "task_type");
        TaskCosts.put(type, Map.of("billing_type", "per_unit", "unit_cost", 1, "version", 7)).then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        assertThat(TaskCosts.versions(type)).isZero();
    }

    @Test
    void theThreeFormulaExamplesAsEstimates() {
        JsonPath perSecond = estimate(Map.of("task_type", "travel_segment", "params", Map.of(), "duration_seconds",
                new BigDecimal("10.2"))).then().statusCode(200).extract().jsonPath();
        assertThat(perSecond.getObject("cost", BigDecimal.class)).isEqualByComparingTo("0.306");
        assertThat(perSecond.getLong("breakdown.seconds")).isEqualTo(11);

        JsonPath perUnit = estimate(Map.of("task_type", "single_image", "params",
                Map.of("resolution", "2048x2048", "model_type", "pro"))).then().statusCode(200).extract().jsonPath();
        assertThat(perUnit.getObject("cost", BigDecimal.class)).isEqualByComparingTo("0.150");

        String type = TaskCosts.create(Map.of("billing_type", "per_second", "base_cost_per_second", 2, "cost_factors",
                Map.of("resolution", Map.of("1080p", new BigDecimal("1.5")), "frameCount", new BigDecimal("0.1"),
                        "modelType", Map.of("large", 2))));
        JsonPath everything = estimate(Map.of("task_type", type, "params",
                Map.of("resolution", "1080p", "frame_count", 10, "model_type", "large"), "duration_seconds", 3))
                .then().statusCode(200).extract().jsonPath();
        assertThat(everything.getObject("cost", BigDecimal.class)).isEqualByComparingTo("24");
        assertThat(everything.getString("breakdown.resolution")).isEqualTo("1080p");
        assertThat(everything.getObject("breakdown.resolution_factor", BigDecimal.class)).isEqualByComparingTo("1.5");
    }

    @Test
    void anOrchestratorsEstimateBillsNoneOfItsOwnTime() {
        // Its children are estimated (and charged) each on its own; the orchestrator needs no duration.
        JsonPath without = estimate(Map.of("task_type", "travel_orchestrator", "params", Map.of())).then()
                .statusCode(200).extract().jsonPath();
        assertThat(without.getObject("cost", BigDecimal.class)).isEqualByComparingTo("0");
        JsonPath with = estimate(Map.of("task_type", "travel_orchestrator", "duration_seconds", 600)).then()
                .statusCode(200).extract().jsonPath();
        assertThat(with.getObject("cost", BigDecimal.class)).isEqualByComparingTo("0");
        assertThat(with.getLong("breakdown.seconds")).isZero();
        // The orchestrators of the deployed worker's families are in the registry (credits migration V2_31).
        for (String type : List.of("join_clips_orchestrator", "edit_video_orchestrator")) {
            assertThat(estimate(Map.of("task_type", type, "duration_seconds", 60)).then().statusCode(200).extract()
                    .jsonPath().getObject("cost", BigDecimal.class)).as(type).isEqualByComparingTo("0");
        }
        assertThat(estimate(Map.of("task_type", "join_clips_segment", "duration_seconds", new BigDecimal("10.2")))
                .then().statusCode(200).extract().jsonPath().getObject("cost", BigDecimal.class))
                .isEqualByComparingTo("0.306");
    }

    @Test
    void badEstimatesAre400() {
        estimate(Map.of("task_type", "travel_segment")).then().statusCode(400)
                .body("errors[0].field", equalTo("duration_seconds"));
        estimate(Map.of("task_type", "no_such_type", "duration_seconds", 1)).then().statusCode(400)
                .body("errors[0].field", equalTo("task_type"));
        estimate(Map.of("task_type", "travel_segment", "duration_seconds", -1)).then().statusCode(400)
                .body("errors.field", hasItem("duration_seconds"));
        estimate(Map.of("task_type", "travel_segment", "duration_seconds", 2_592_001)).then().statusCode(400);
        estimate(Map.of("task_type", "single_image", "params", List.of())).then().statusCode(400)
                .body("errors[0].field", equalTo("params"));
        String inactive = TaskCosts.create(Map.of("billing_type", "per_unit", "unit_cost", 1, "is_active", false));
        estimate(Map.of("task_type", inactive)).then().statusCode(400).body("errors[0].field", equalTo("task_type"));
    }

    private static void expectFieldError(String type, Map<String, Object> body, String field) {
        TaskCosts.put(type, body).then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem(field));
    }

    private static Response estimate(Map<String, Object> body) {
        return Api.as(Tokens.user(UUID.randomUUID())).body(body).post(ESTIMATE);
    }
}
