package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The tenancy matrix: a second user gets 404 for every one of the first user's rows, on read,
 * update and delete, sees none of them in any list, cannot use them in their own rows, and the
 * database's row-level security hides them too (the second lock).
 */
@QuarkusTest
class TenancyTest {

    @Test
    void anotherUsersRowsAre404ForReadUpdateAndDelete() {
        User owner = Fixtures.user();
        User intruder = Fixtures.user();
        String project = Fixtures.project(owner);
        String shot = Fixtures.shot(owner, project, "S");
        String generation = Fixtures.generation(owner, project, "image");
        String link = Fixtures.linkId(owner, shot, generation, 0);
        String resource = Fixtures.resource(owner, false);
        String batch = Fixtures.batch(owner);
        String token = Api.as(owner.token()).body(Map.of("name", "w")).post("/v1/me/tokens").then().statusCode(201)
                .extract().path("id");
        String as = intruder.token();

        // Reads.
        for (String path : List.of("/v1/projects/" + project, "/v1/projects/" + project + "/shots",
                "/v1/projects/" + project + "/generations", "/v1/shots/" + shot, "/v1/shots/" + shot + "/generations",
                "/v1/generations/" + generation, "/v1/resources/" + resource, "/v1/training-data/batches/" + batch,
                "/v1/training-data/batches/" + batch + "/videos")) {
            Api.as(as).get(path).then().statusCode(404).body("code", equalTo("not_found"));
        }
        // Updates.
        Api.as(as).body(Map.of("name", "x")).patch("/v1/projects/" + project).then().statusCode(404);
        Api.as(as).body(Map.of("name", "x")).patch("/v1/shots/" + shot).then().statusCode(404);
        Api.as(as).body(Map.of("starred", true)).patch("/v1/generations/" + generation).then().statusCode(404);
        Api.as(as).body(Map.of("position", 3)).patch("/v1/shots/" + shot + "/generations/" + link).then().statusCode(404);
        Api.as(as).body(Map.of("name", "x")).patch("/v1/resources/" + resource).then().statusCode(404);
        Api.as(as).body(Map.of("shot_ids", List.of(shot))).put("/v1/projects/" + project + "/shots/order").then()
                .statusCode(404);
        // Creates under their rows.
        Api.as(as).body(Map.of("name", "x")).post("/v1/projects/" + project + "/shots").then().statusCode(404);
        Api.as(as).body(Map.of("type", "image", "url", "https://a.test/x.png"))
                .post("/v1/projects/" + project + "/generations").then().statusCode(404);
        Fixtures.link(intruder, shot, generation, 9).then().statusCode(404);
        Api.as(as).body(Map.of("object_id", java.util.UUID.randomUUID().toString(), "filename", "a.mp4"))
                .post("/v1/training-data/batches/" + batch + "/videos").then().statusCode(404);
        // Deletes.
        Api.as(as).delete("/v1/shots/" + shot + "/generations/" + link).then().statusCode(404);
        Api.as(as).delete("/v1/generations/" + generation).then().statusCode(404);
        Api.as(as).delete("/v1/shots/" + shot).then().statusCode(404);
        Api.as(as).delete("/v1/resources/" + resource).then().statusCode(404);
        Api.as(as).delete("/v1/training-data/batches/" + batch).then().statusCode(404);
        Api.as(as).delete("/v1/me/tokens/" + token).then().statusCode(404);
        Api.as(as).delete("/v1/projects/" + project).then().statusCode(404);

        // Nothing of the owner's changed.
        Api.as(owner.token()).get("/v1/projects/" + project).then().statusCode(200).body("name", org.hamcrest.Matchers.startsWith("Project"));
        Api.as(owner.token()).get("/v1/shots/" + shot + "/generations").then().statusCode(200)
                .body("items[0].position", equalTo(0));
        Api.as(owner.token()).get("/v1/generations/" + generation).then().statusCode(200).body("starred", equalTo(false));
        Api.as(owner.token()).get("/v1/resources/" + resource).then().statusCode(200);
        Api.as(owner.token()).get("/v1/training-data/batches/" + batch).then().statusCode(200);
        Api.as(owner.token()).get("/v1/me/tokens").then().body("items[0].revoked_at", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void aUserCannotLinkAnotherUsersGenerationIntoTheirOwnShot() {
        User owner = Fixtures.user();
        User intruder = Fixtures.user();
        String theirGeneration = Fixtures.generation(owner, Fixtures.project(owner), "image");
        String ownShot = Fixtures.shot(intruder, Fixtures.project(intruder), "mine");
        Fixtures.link(intruder, ownShot, theirGeneration, 0).then().statusCode(404).body("code", equalTo("not_found"));
        Fixtures.link(intruder, ownShot, theirGeneration, null).then().statusCode(404);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE generation_id = ?::uuid", theirGeneration))
                    .isZero();
        }
    }

    @Test
    void listsNeverShowAnotherUsersRows() {
        User owner = Fixtures.user();
        User intruder = Fixtures.user();
        String project = Fixtures.project(owner);
        Fixtures.generation(owner, project, "image");
        Fixtures.resource(owner, false);
        Fixtures.batch(owner);
        Api.as(owner.token()).body(Map.of("name", "w")).post("/v1/me/tokens").then().statusCode(201);
        Fixtures.project(intruder);

        List<String> projects = Api.as(intruder.token()).queryParam("limit", 200).get("/v1/projects").then()
                .statusCode(200).extract().path("items.user_id");
        assertThat(projects).containsOnly(intruder.id().toString());
        for (String path : List.of("/v1/resources", "/v1/training-data/batches", "/v1/me/tokens")) {
            List<Object> items = Api.as(intruder.token()).queryParam("limit", 200).get(path).then().statusCode(200)
                    .extract().path("items");
            assertThat(items).as(path).isEmpty();
        }
    }

    @Test
    void rowLevelSecurityHidesAnotherUsersRowsInTheDatabase() {
        User owner = Fixtures.user();
        User intruder = Fixtures.user();
        Fixtures.project(intruder);
        String project = Fixtures.project(owner);
        String shot = Fixtures.shot(owner, project, "S");
        String generation = Fixtures.generation(owner, project, "image");
        Fixtures.linkId(owner, shot, generation, 0);
        try (SqlSession sql = SqlSession.as("reigh_projects")) {
            sql.actingAsUser(intruder.id());
            assertThat(sql.count("SELECT count(*) FROM projects WHERE id = ?::uuid", project)).isZero();
            assertThat(sql.count("SELECT count(*) FROM projects")).isEqualTo(1);
            assertThat(sql.count("SELECT count(*) FROM shots WHERE id = ?::uuid", shot)).isZero();
            assertThat(sql.count("SELECT count(*) FROM generations WHERE id = ?::uuid", generation)).isZero();
            assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE shot_id = ?::uuid", shot)).isZero();
            // Writes through the policies fail or touch nothing.
            assertThat(sql.update("UPDATE projects SET name = 'taken' WHERE id = ?::uuid", project)).isZero();
            assertThat(sql.update("DELETE FROM generations WHERE id = ?::uuid", generation)).isZero();
            assertThat(sql.failureOf("INSERT INTO shots (project_id, name, \"order\") VALUES (?::uuid, 'x', 99)", project))
                    .isEqualTo("42501");

            sql.actingAsUser(owner.id());
            assertThat(sql.count("SELECT count(*) FROM projects WHERE id = ?::uuid", project)).isEqualTo(1);
            assertThat(sql.value("SELECT name FROM projects WHERE id = ?::uuid", project)).isNotEqualTo("taken");
            assertThat(sql.count("SELECT count(*) FROM generations WHERE id = ?::uuid", generation)).isEqualTo(1);

            sql.actingAsNobody();
            assertThat(sql.count("SELECT count(*) FROM projects")).isZero();
        }
    }
}
