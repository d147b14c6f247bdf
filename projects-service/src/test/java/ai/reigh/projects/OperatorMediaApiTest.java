package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** The operator console's task page shows what a task made: its generation, or the variant it added. */
@QuarkusTest
class OperatorMediaApiTest {
    private static final String ADMIN = Tokens.admin(UUID.randomUUID());

    @Test
    void aTasksGenerationOrVariantIsFoundWhoeverOwnsIt() {
        UUID owner = UUID.randomUUID();
        UUID project = UUID.randomUUID();
        UUID makingTask = UUID.randomUUID();
        UUID upscaleTask = UUID.randomUUID();
        UUID generation;
        UUID variant;
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO users (id, email) VALUES (?, ?)", owner, owner + "@example.test");
            sql.update("INSERT INTO projects (id, user_id, name) VALUES (?, ?, 'media')", project, owner);
            generation = (UUID) sql.value("INSERT INTO generations (project_id, type, url, task_id, tasks) VALUES (?, 'image',"
                    + " 'https://cdn.example.test/made.png', ?, ARRAY[?]::uuid[]) RETURNING id", project, makingTask, makingTask);
            // One statement: the database checks at commit that a generation shows its primary variant.
            variant = (UUID) sql.value("WITH v AS (INSERT INTO generation_variants (generation_id, project_id, url, task_id,"
                    + " variant_type, is_primary) VALUES (?, ?, 'https://cdn.example.test/up.png', ?, 'upscaled', true)"
                    + " RETURNING id) UPDATE generations g SET url = 'https://cdn.example.test/up.png', primary_variant_id = v.id"
                    + " FROM v WHERE g.id = ? RETURNING v.id", generation, project, upscaleTask, generation);
        }

        List<Map<String, Object>> made = Api.as(ADMIN).get("/v1/admin/generations?task_id=" + makingTask).then()
                .statusCode(200).extract().jsonPath().getList("items");
        assertThat(made).singleElement().satisfies(item -> {
            assertThat(item).containsEntry("made", "generation").containsEntry("id", generation.toString())
                    .containsEntry("project_id", project.toString()).containsEntry("url", "https://cdn.example.test/up.png");
        });
        List<Map<String, Object>> added = Api.as(ADMIN).get("/v1/admin/generations?task_id=" + upscaleTask).then()
                .statusCode(200).extract().jsonPath().getList("items");
        assertThat(added).singleElement().satisfies(item -> assertThat(item).containsEntry("made", "variant")
                .containsEntry("id", variant.toString()).containsEntry("generation_id", generation.toString()));
        assertThat(Api.as(ADMIN).get("/v1/admin/generations?task_id=" + UUID.randomUUID()).then().statusCode(200)
                .extract().jsonPath().getList("items")).isEmpty();

        Api.as(ADMIN).get("/v1/admin/generations").then().statusCode(400).body("code", equalTo("validation_failed"));
        Api.as(ADMIN).get("/v1/admin/generations?task_id=nope").then().statusCode(400);
        Api.as(Tokens.user(owner)).get("/v1/admin/generations?task_id=" + makingTask).then().statusCode(403);
    }
}
