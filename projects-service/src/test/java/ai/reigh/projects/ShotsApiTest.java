package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ShotsApiTest {

    @Test
    void shotsAreCreatedAtTheEndOfTheOrder() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        for (int i = 0; i < 3; i++) {
            Api.as(user.token()).body(Map.of("name", "Shot " + i, "settings", Map.of("fps", 16)))
                    .post("/v1/projects/" + project + "/shots").then().statusCode(201)
                    .body("order", equalTo(i)).body("project_id", equalTo(project)).body("settings.fps", equalTo(16));
        }
        Api.as(user.token()).get("/v1/projects/" + project + "/shots").then().statusCode(200)
                .body("items.name", contains("Shot 0", "Shot 1", "Shot 2")).body("items.order", contains(0, 1, 2))
                .body("next_cursor", nullValue());
    }

    @Test
    void concurrentCreatesGetDistinctConsecutiveOrders() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        List<Integer> statuses = Race.run(10, () -> Api.as(user.token()).body(Map.of("name", "racing"))
                .post("/v1/projects/" + project + "/shots").statusCode());
        assertThat(statuses).containsOnly(201);
        List<Integer> orders = Api.as(user.token()).get("/v1/projects/" + project + "/shots").then().statusCode(200)
                .extract().path("items.order");
        assertThat(orders).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
    }

    @Test
    void reorderRenumbersAtomically() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String a = Fixtures.shot(user, project, "A");
        String b = Fixtures.shot(user, project, "B");
        String c = Fixtures.shot(user, project, "C");
        Api.as(user.token()).body(Map.of("shot_ids", List.of(c, a, b))).put("/v1/projects/" + project + "/shots/order")
                .then().statusCode(200).body("items.id", contains(c, a, b)).body("items.order", contains(0, 1, 2));
        Api.as(user.token()).get("/v1/projects/" + project + "/shots").then().body("items.name", contains("C", "A", "B"));
        // After a delete the orders keep a gap; a reorder closes it and a new shot goes after the last.
        Api.as(user.token()).delete("/v1/shots/" + a).then().statusCode(204);
        Api.as(user.token()).body(Map.of("shot_ids", List.of(b, c))).put("/v1/projects/" + project + "/shots/order")
                .then().statusCode(200).body("items.order", contains(0, 1));
        Api.as(user.token()).body(Map.of("name", "D")).post("/v1/projects/" + project + "/shots").then()
                .statusCode(201).body("order", equalTo(2));
    }

    @Test
    void reorderRefusesAnythingButExactlyTheProjectsShots() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String a = Fixtures.shot(user, project, "A");
        String b = Fixtures.shot(user, project, "B");
        String elsewhere = Fixtures.shot(user, Fixtures.project(user), "other project");
        String path = "/v1/projects/" + project + "/shots/order";
        Api.as(user.token()).body(Map.of("shot_ids", List.of(a))).put(path).then().statusCode(400)
                .body("code", equalTo("validation_failed")).body("errors[0].field", equalTo("shot_ids"));
        Api.as(user.token()).body(Map.of("shot_ids", List.of(a, b, elsewhere))).put(path).then().statusCode(400)
                .body("errors[0].field", equalTo("shot_ids"));
        Api.as(user.token()).body(Map.of("shot_ids", List.of(a, b, a))).put(path).then().statusCode(400)
                .body("errors[0].field", equalTo("shot_ids"));
        Api.as(user.token()).body(Map.of("shot_ids", List.of(b, UUID.randomUUID().toString()))).put(path).then()
                .statusCode(400);
        Api.as(user.token()).body(Map.of("shot_ids", List.of("not-a-uuid"))).put(path).then().statusCode(400);
        Api.as(user.token()).body(Map.of()).put(path).then().statusCode(400).body("errors.field", hasItem("shot_ids"));
        Api.as(user.token()).body(Map.of("shot_ids", List.of(a, b))).put("/v1/projects/" + UUID.randomUUID() + "/shots/order")
                .then().statusCode(404);
        // Nothing changed by the refused requests.
        Api.as(user.token()).get("/v1/projects/" + project + "/shots").then().body("items.id", contains(a, b));
    }

    @Test
    void getPatchAndDeleteAShot() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "Opening");
        Api.as(user.token()).get("/v1/shots/" + shot).then().statusCode(200).body("name", equalTo("Opening"))
                .body("order", equalTo(0));
        Api.as(user.token()).body(Map.of("settings", Map.of("frames", 81))).patch("/v1/shots/" + shot).then()
                .statusCode(200).body("name", equalTo("Opening")).body("settings.frames", equalTo(81));
        Api.as(user.token()).body(Map.of("name", "Intro")).patch("/v1/shots/" + shot).then().statusCode(200)
                .body("name", equalTo("Intro")).body("settings.frames", equalTo(81));
        Api.as(user.token()).body(Map.of("order", 5)).patch("/v1/shots/" + shot).then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        Api.as(user.token()).body(Map.of("name", " ")).patch("/v1/shots/" + shot).then().statusCode(400)
                .body("errors.field", hasItem("name"));

        String generation = Fixtures.generation(user, project, "image");
        Fixtures.linkId(user, shot, generation, 0);
        Api.as(user.token()).delete("/v1/shots/" + shot).then().statusCode(204);
        Api.as(user.token()).get("/v1/shots/" + shot).then().statusCode(404);
        Api.as(user.token()).delete("/v1/shots/" + shot).then().statusCode(404);
        // The generation stays in the project; only the link went with the shot.
        Api.as(user.token()).get("/v1/generations/" + generation).then().statusCode(200);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE shot_id = ?::uuid", shot)).isZero();
        }
    }

    @Test
    void shotValidationAnd404s() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        Api.as(user.token()).body(Map.of()).post("/v1/projects/" + project + "/shots").then().statusCode(400)
                .body("errors.field", hasItem("name"));
        Api.as(user.token()).body(Map.of("name", "x", "settings", 3)).post("/v1/projects/" + project + "/shots")
                .then().statusCode(400).body("errors.field", hasItem("settings"));
        Api.as(user.token()).body(Map.of("name", "x", "parent_generation_id", UUID.randomUUID()))
                .post("/v1/projects/" + project + "/shots").then().statusCode(400).body("code", equalTo("unknown_field"));
        Api.as(user.token()).body(Map.of("name", "x")).post("/v1/projects/" + UUID.randomUUID() + "/shots").then()
                .statusCode(404);
        Api.as(user.token()).get("/v1/projects/" + UUID.randomUUID() + "/shots").then().statusCode(404);
        Api.as(user.token()).get("/v1/shots/" + UUID.randomUUID()).then().statusCode(404);
        List<String> none = new ArrayList<>(Api.as(user.token()).get("/v1/projects/" + project + "/shots").then()
                .statusCode(200).extract().path("items"));
        assertThat(none).isEmpty();
    }
}
