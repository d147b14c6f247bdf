package ai.reigh.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.devtools.http.PlatformClient;
import ai.reigh.devtools.seed.TimelineSeed;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * {@code ./reigh seed}'s timeline through the gateway: frames 50 apart, one link off the timeline, pair
 * prompts in link metadata; an older seed's frames (spaced by one) are re-spaced; a second run changes
 * nothing.
 */
class TimelineSeedSystemTest {

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    @Test
    void theSeedMakesATimelineOnceAndRespacesAnOlderOne() {
        String token = Tokens.user(UUID.randomUUID());
        String project = Api.as(token).body(Map.of("name", "Seeded")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        String shot = Api.as(token).body(Map.of("name", "Opening")).post("/v1/projects/" + project + "/shots").then()
                .statusCode(201).extract().path("id");
        List<String> frames = List.of(image(token, project, "one"), image(token, project, "two"), image(token, project,
                "three"));
        String loose = image(token, project, "loose");
        // What the previous seed left: two frames spaced by one.
        link(token, shot, frames.get(0), 0);
        link(token, shot, frames.get(1), 1);

        TimelineSeed seed = new TimelineSeed(new PlatformClient(SystemUnderTest.shared().gatewayUrl(), token));
        TimelineSeed.Result first = seed.seed(shot, frames, List.of("dawn", "dusk"), loose);
        assertThat(first.made()).containsExactly("1 timeline frames", "link off the timeline");
        assertThat(first.lines()).containsExactly("frame 0: one → \"dawn\"", "frame 50: two → \"dusk\"", "frame 100: three",
                "off the timeline: loose");

        JsonPath timeline = Api.as(token).get("/v1/shots/" + shot + "/generations").then().statusCode(200).extract()
                .jsonPath();
        assertThat(timeline.getList("items.position")).containsExactly(0, 50, 100, null);
        assertThat(timeline.getString("items[0].metadata.pair_prompt")).isEqualTo("dawn");
        assertThat(timeline.getString("items[1].metadata.pair_prompt")).isEqualTo("dusk");
        assertThat(timeline.getMap("items[2].metadata")).isEmpty();

        TimelineSeed.Result second = seed.seed(shot, frames, List.of("dawn", "dusk"), loose);
        assertThat(second.made()).isEmpty();
        assertThat(second.lines()).isEqualTo(first.lines());
        assertThat(Api.as(token).get("/v1/shots/" + shot + "/generations").then().extract().jsonPath().getList("items"))
                .as("nothing changed, updated_at included").isEqualTo(timeline.getList("items"));
    }

    private static String image(String token, String project, String name) {
        String id = Api.as(token).body(Map.of("type", "image", "url", "https://cdn.example.com/" + name + ".png"))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201).extract().path("id");
        Api.as(token).body(Map.of("name", name)).patch("/v1/generations/" + id).then().statusCode(200);
        return id;
    }

    private static void link(String token, String shot, String generation, int position) {
        Api.as(token).body(Map.of("generation_id", generation, "position", position))
                .post("/v1/shots/" + shot + "/generations").then().statusCode(201);
    }
}
