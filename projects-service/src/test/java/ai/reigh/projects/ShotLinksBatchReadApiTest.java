package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Links across a project's shots in one call: every link of some generations (wherever they are used),
 * the links of many shots at once; filtered, optionally with the generation embedded, in cursor pages
 * with an exact total on request.
 */
@QuarkusTest
class ShotLinksBatchReadApiTest {

    @Test
    void everyLinkOfAGenerationAcrossTheProjectsShots() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String s1 = Fixtures.shot(user, project, "A");
        String s2 = Fixtures.shot(user, project, "B");
        String generation = Fixtures.generation(user, project, "image");
        String other = Fixtures.generation(user, project, "image");
        String a = Fixtures.linkId(user, s1, generation, 0);
        String b = Fixtures.linkId(user, s2, generation, 50);
        String c = Fixtures.linkId(user, s2, generation, null);
        Fixtures.linkId(user, s1, other, 50);
        JsonPath all = read(user, project, Map.of("generation_ids", List.of(generation)), "");
        assertThat(all.getList("items.id", String.class)).containsExactlyInAnyOrder(a, b, c);
        assertThat(all.getList("items.shot_id", String.class)).containsOnly(s1, s2);
        JsonPath positioned = read(user, project, Map.of("generation_ids", List.of(generation), "positioned", true), "");
        assertThat(positioned.getList("items.id", String.class)).containsExactlyInAnyOrder(a, b);
        JsonPath embedded = read(user, project, Map.of("generation_ids", List.of(other)), "?embed=generation");
        assertThat(embedded.getString("items[0].generation.id")).isEqualTo(other);
        assertThat(embedded.getString("items[0].metadata")).isNotNull();
    }

    @Test
    void theLinksOfManyShotsInPagesWithAnExactTotal() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        List<String> shots = new ArrayList<>();
        List<String> links = new ArrayList<>();
        String image = Fixtures.generation(user, project, "image");
        for (int s = 0; s < 3; s++) {
            String shot = Fixtures.shot(user, project, "S" + s);
            shots.add(shot);
            for (int l = 0; l < 3; l++) {
                links.add(Fixtures.linkId(user, shot, image, l * 50));
            }
        }
        String notAsked = Fixtures.shot(user, project, "not asked");
        Fixtures.linkId(user, notAsked, image, 0);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String query = "?limit=4&include_total=true" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonPath page = read(user, project, Map.of("shot_ids", shots), query);
            assertThat(page.getLong("total")).isEqualTo(9);
            seen.addAll(page.getList("items.id", String.class));
            cursor = page.getString("next_cursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(links);
        // Both filters narrow: the links of those shots that show that generation.
        JsonPath both = read(user, project, Map.of("shot_ids", List.of(shots.get(0)), "generation_ids", List.of(image)), "");
        assertThat(both.getList("items.id", String.class)).containsExactlyInAnyOrderElementsOf(links.subList(0, 3));
        assertThat(both.getString("next_cursor")).isNull();
    }

    @Test
    void boundsAndTenancy() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        Fixtures.linkId(user, shot, Fixtures.generation(user, project, "image"), 0);
        String batch = "/v1/projects/" + project + "/shot-generations/batch-get";
        Api.as(user.token()).body(Map.of()).post(batch).then().statusCode(400)
                .body("errors.field", hasItem("shot_ids"));
        Api.as(user.token()).body(Map.of("shot_ids", Collections.nCopies(1001, shot))).post(batch).then().statusCode(400)
                .body("errors.field", hasItem("shot_ids"));
        Api.as(user.token()).body(Map.of("shot_ids", List.of(shot), "positioned", "yes")).post(batch).then()
                .statusCode(400);
        Api.as(user.token()).body(Map.of("shot_ids", List.of(shot))).queryParam("limit", 0).post(batch).then()
                .statusCode(400).body("errors[0].field", equalTo("limit"));
        Api.as(user.token()).body(Map.of("shot_ids", List.of(shot))).queryParam("embed", "shot").post(batch).then()
                .statusCode(400).body("errors[0].field", equalTo("embed"));
        Api.as(user.token()).body(Map.of("shot_ids", List.of(shot))).post(batch).then().statusCode(200)
                .body("items", hasSize(1)).body("next_cursor", nullValue()).body("items[0].position", equalTo(0))
                .body("items[0].created_at", notNullValue());

        User bob = Fixtures.user();
        Api.as(bob.token()).body(Map.of("shot_ids", List.of(shot))).post(batch).then().statusCode(404);
        // Another project's (or user's) shot ids simply match nothing in this project.
        String bobProject = Fixtures.project(bob);
        Api.as(bob.token()).body(Map.of("shot_ids", List.of(shot))).post("/v1/projects/" + bobProject
                + "/shot-generations/batch-get").then().statusCode(200).body("items", hasSize(0));
        Api.as(user.token()).body(Map.of("shot_ids", List.of(UUID.randomUUID()))).post(batch).then().statusCode(200)
                .body("items", hasSize(0));
    }

    private static JsonPath read(User user, String project, Map<String, Object> body, String query) {
        return Api.as(user.token()).body(body).post("/v1/projects/" + project + "/shot-generations/batch-get" + query)
                .then().statusCode(200).extract().jsonPath();
    }
}
