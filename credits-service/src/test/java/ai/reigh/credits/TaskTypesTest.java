package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** The registry of task types as the web app lists it: display name, tool type, visibility, progress. */
@QuarkusTest
class TaskTypesTest {

    @Test
    void aTypeIsReadByNameWithItsDisplayFields() {
        String token = Tokens.user(Fixtures.user());
        Api.as(token).get("/v1/task-costs/travel_orchestrator").then().statusCode(200)
                .body("display_name", equalTo("Travel orchestrator")).body("tool_type", equalTo("travel-between-images"))
                .body("is_visible", equalTo(true)).body("supports_progress", equalTo(true))
                .body("content_type", equalTo("video")).body("category", equalTo("orchestration"));
        Api.as(token).get("/v1/task-costs/travel_segment").then().statusCode(200).body("is_visible", equalTo(false))
                .body("supports_progress", equalTo(false));
        Api.as(token).get("/v1/task-costs/no_such_type").then().statusCode(404).body("code", equalTo("not_found"));
        // The backfill of display fields made no pricing version.
        Api.as(token).get("/v1/task-costs/single_image").then().statusCode(200).body("tool_type", equalTo("image-generation"));
        try (SqlSession sql = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM task_cost_config_versions WHERE task_type = 'travel_segment'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void activeTypesOnlyAndAdminsSetTheDisplayFields() {
        String admin = Tokens.admin(Fixtures.ADMIN);
        Api.as(admin).body(Map.of("billing_type", "per_unit", "unit_cost", 0.5, "display_name", "Retired thing",
                "is_active", false, "tool_type", "edit-video", "is_visible", false, "supports_progress", true))
                .put("/v1/admin/task-costs/retired_display_test").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201))
                .body("tool_type", equalTo("edit-video")).body("is_visible", equalTo(false))
                .body("supports_progress", equalTo(true));
        String token = Tokens.user(Fixtures.user());
        List<Boolean> active = Api.as(token).get("/v1/task-costs?is_active=true").then().statusCode(200)
                .body("items.is_active", everyItem(equalTo(true))).extract().path("items.is_active");
        assertThat(active).isNotEmpty();
        List<String> inactive = Api.as(token).get("/v1/task-costs?is_active=false").then().statusCode(200).extract()
                .path("items.task_type");
        assertThat(inactive).contains("retired_display_test");
        Api.as(token).get("/v1/task-costs?is_active=maybe").then().statusCode(400).body("errors[0].field",
                equalTo("is_active"));
        Api.as(admin).body(Map.of("billing_type", "per_unit", "unit_cost", 0.5, "tool_type", "Not A Tool"))
                .put("/v1/admin/task-costs/retired_display_test").then().statusCode(400)
                .body("errors[0].field", equalTo("tool_type"));
    }
}
