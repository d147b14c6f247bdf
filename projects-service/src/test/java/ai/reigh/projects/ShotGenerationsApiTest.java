package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ShotGenerationsApiTest {

    @Test
    void linksArePositionedOrNot() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String generation = Fixtures.generation(user, project, "image");
        Fixtures.link(user, shot, generation, 3).then().statusCode(201).body("shot_id", equalTo(shot))
                .body("generation_id", equalTo(generation)).body("position", equalTo(3));
        // The same generation may appear again in the same shot, and without a position.
        Api.as(user.token()).body(Map.of("generation_id", generation)).post("/v1/shots/" + shot + "/generations")
                .then().statusCode(201).body("position", nullValue());
    }

    @Test
    void aTakenPositionIsA409() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), 0);
        Fixtures.link(user, shot, Fixtures.generation(user, project, "image"), 0).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("position_taken"));
        // Position 0 of another shot is free.
        Fixtures.link(user, Fixtures.shot(user, project, "T"), Fixtures.generation(user, project, "image"), 0).then()
                .statusCode(201);
    }

    @Test
    void listIsPositionedByPositionThenUnpositionedByCreation() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String u1 = Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), null);
        String p5 = Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), 5);
        String u2 = Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), null);
        String p1 = Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), 1);
        String path = "/v1/shots/" + shot + "/generations";
        Api.as(user.token()).get(path).then().statusCode(200).body("items.id", contains(p1, p5, u1, u2))
                .body("items.position", contains(1, 5, null, null)).body("next_cursor", nullValue());
        Api.as(user.token()).queryParam("positioned", "true").get(path).then().body("items.id", contains(p1, p5));
        Api.as(user.token()).queryParam("positioned", "false").get(path).then().body("items.id", contains(u1, u2));
        Api.as(user.token()).queryParam("positioned", "1").get(path).then().statusCode(400)
                .body("errors[0].field", equalTo("positioned"));
        Api.as(user.token()).get("/v1/shots/" + UUID.randomUUID() + "/generations").then().statusCode(404);
    }

    @Test
    void patchMovesBetweenPositionedAndUnpositioned() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String link = Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), 0);
        String other = Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), 1);
        String path = "/v1/shots/" + shot + "/generations/";

        Api.as(user.token()).body("{\"position\": null}").patch(path + link).then().statusCode(200)
                .body("position", nullValue());
        Api.as(user.token()).body(Map.of("position", 0)).patch(path + other).then().statusCode(200)
                .body("position", equalTo(0));
        Api.as(user.token()).body(Map.of("position", 0)).patch(path + link).then().statusCode(409)
                .body("code", equalTo("position_taken"));
        Api.as(user.token()).body(Map.of("position", 7)).patch(path + link).then().statusCode(200)
                .body("position", equalTo(7));
        Api.as(user.token()).queryParam("positioned", "true").get("/v1/shots/" + shot + "/generations").then()
                .body("items.id", contains(other, link));

        Api.as(user.token()).body(Map.of()).patch(path + link).then().statusCode(400)
                .body("errors[0].field", equalTo("position"));
        Api.as(user.token()).body(Map.of("position", -1)).patch(path + link).then().statusCode(400)
                .body("errors[0].field", equalTo("position"));
        Api.as(user.token()).body(Map.of("position", 1.5)).patch(path + link).then().statusCode(400);
        Api.as(user.token()).body(Map.of("position", "2")).patch(path + link).then().statusCode(400);
        Api.as(user.token()).body(Map.of("position", 1, "shot_id", shot)).patch(path + link).then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        Api.as(user.token()).body(Map.of("position", 2)).patch(path + UUID.randomUUID()).then().statusCode(404);
        // A link of another shot is not found under this one.
        String elsewhere = Fixtures.shot(user, project, "T");
        Api.as(user.token()).body(Map.of("position", 2)).patch("/v1/shots/" + elsewhere + "/generations/" + link)
                .then().statusCode(404);
    }

    @Test
    void deleteALink() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String generation = Fixtures.generation(user, project, "image");
        String link = Fixtures.linkId(user, shot, generation, 0);
        Api.as(user.token()).delete("/v1/shots/" + shot + "/generations/" + link).then().statusCode(204);
        Api.as(user.token()).delete("/v1/shots/" + shot + "/generations/" + link).then().statusCode(404);
        Api.as(user.token()).get("/v1/generations/" + generation).then().statusCode(200);
        // The position is free again.
        Fixtures.link(user, shot, generation, 0).then().statusCode(201);
    }

    @Test
    void addValidation() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String generation = Fixtures.generation(user, project, "image");
        String path = "/v1/shots/" + shot + "/generations";
        Api.as(user.token()).body(Map.of()).post(path).then().statusCode(400)
                .body("errors.field", hasItem("generation_id"));
        Fixtures.link(user, shot, generation, -1).then().statusCode(400).body("errors[0].field", equalTo("position"));
        Fixtures.link(user, shot, generation, 2_000_000).then().statusCode(400);
        Api.as(user.token()).body(Map.of("generation_id", "nope")).post(path).then().statusCode(400)
                .body("errors[0].field", equalTo("generation_id"));
        Fixtures.link(user, shot, UUID.randomUUID().toString(), 0).then().statusCode(404);
        Fixtures.link(user, UUID.randomUUID().toString(), generation, 0).then().statusCode(404);
    }

    @Test
    void theGenerationMustBeInTheShotsProject() {
        User user = Fixtures.user();
        String shot = Fixtures.shot(user, Fixtures.project(user), "S");
        String otherProjectsGeneration = Fixtures.generation(user, Fixtures.project(user), "image");
        Fixtures.link(user, shot, otherProjectsGeneration, 0).then().statusCode(422)
                .body("code", equalTo("generation_not_in_project"));
    }

    @Test
    void twentyParallelAddsAtOnePositionHaveExactlyOneWinner() throws Exception {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        List<String> generations = java.util.stream.IntStream.range(0, 20)
                .mapToObj(i -> Fixtures.generation(user, project, "image")).toList();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Integer> statuses = Race.run(20,
                () -> Fixtures.link(user, shot, generations.get(next.getAndIncrement()), 4).statusCode());
        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE shot_id = ?::uuid", shot)).isEqualTo(1);
            assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE shot_id = ?::uuid AND position = 4", shot))
                    .isEqualTo(1);
        }
        Api.as(user.token()).get("/v1/shots/" + shot + "/generations").then().body("items.position",
                contains(4));
    }
}
