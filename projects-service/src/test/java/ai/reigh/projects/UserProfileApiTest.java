package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The web app's profile fields ({@code username}, {@code avatar_url}, {@code onboarding_completed})
 * and its tool settings written one key at a time (users, projects, shots), racing merge patches.
 */
@QuarkusTest
class UserProfileApiTest {

    @Test
    void usernameAvatarAndOnboardingAreTheUsersToSet() {
        User user = Fixtures.user();
        Api.as(user.token()).get("/v1/me").then().statusCode(200).body("username", nullValue())
                .body("avatar_url", nullValue()).body("onboarding_completed", equalTo(false));
        String username = "ada_" + user.id().toString().substring(0, 8);
        Api.as(user.token()).body(Map.of("username", username, "avatar_url", "https://cdn.example.test/ada.png",
                "onboarding_completed", true)).patch("/v1/me").then().statusCode(200)
                .body("username", equalTo(username)).body("avatar_url", equalTo("https://cdn.example.test/ada.png"))
                .body("onboarding_completed", equalTo(true));
        // Absent fields keep their value; null clears the avatar.
        Map<String, Object> clear = new HashMap<>();
        clear.put("avatar_url", null);
        Api.as(user.token()).body(clear).patch("/v1/me").then().statusCode(200).body("avatar_url", nullValue())
                .body("username", equalTo(username)).body("onboarding_completed", equalTo(true));
        Api.as(user.token()).get("/v1/me").then().body("username", equalTo(username)).body("avatar_url", nullValue());

        // A username is one user's: another user taking it (in any case) is a 409.
        User other = Fixtures.user();
        Api.as(other.token()).body(Map.of("username", username.toUpperCase())).patch("/v1/me").then().statusCode(409)
                .body("code", equalTo("username_taken"));
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("username", "a"),
                Map.of("username", "has space"), Map.of("username", "x".repeat(31)),
                Map.of("avatar_url", "javascript:alert(1)"), Map.of("avatar_url", "https://" + "a".repeat(2100)),
                Map.of("onboarding_completed", "yes"))) {
            Api.as(other.token()).body(bad).patch("/v1/me").then().statusCode(400)
                    .body("errors[0].field", equalTo(bad.keySet().iterator().next()));
        }
    }

    @Test
    void aToolsSettingsKeyIsReplacedWholeAtEachScope() {
        User user = Fixtures.user();
        Api.as(user.token()).body(Map.of("settings", Map.of("travel", Map.of("steps", 6, "model", "wan"), "theme", "dark")))
                .patch("/v1/me").then().statusCode(200);
        // A merge patch would keep "model"; replacing the key drops what the new object does not have.
        // The body is {settings: the tool's whole settings}.
        Api.as(user.token()).body(Map.of("settings", Map.of("steps", 8))).put("/v1/me/settings/travel").then().statusCode(200)
                .body("settings.travel.steps", equalTo(8)).body("settings.travel.model", nullValue())
                .body("settings.theme", equalTo("dark"));
        Api.as(user.token()).body(Map.of("settings", Map.of("frames", 81))).put("/v1/me/settings/join-clips").then().statusCode(200)
                .body("settings.join-clips.frames", equalTo(81));

        String project = Fixtures.project(user);
        Api.as(user.token()).body(Map.of("settings", Map.of("travel", Map.of("steps", 4, "seed", 1))))
                .patch("/v1/projects/" + project).then().statusCode(200);
        Api.as(user.token()).body(Map.of("settings", Map.of("steps", 5))).put("/v1/projects/" + project + "/settings/travel").then()
                .statusCode(200).body("settings.travel.steps", equalTo(5)).body("settings.travel.seed", nullValue());
        String shot = Fixtures.shot(user, project, "Shot");
        Api.as(user.token()).body(Map.of("settings", Map.of("prompt", "a cat"))).put("/v1/shots/" + shot + "/settings/travel").then()
                .statusCode(200).body("settings.travel.prompt", equalTo("a cat"));

        // Someone else's project or shot is a 404; a key or a value out of shape is a 400.
        User stranger = Fixtures.user();
        Api.as(stranger.token()).body(Map.of("settings", Map.of("steps", 1))).put("/v1/projects/" + project + "/settings/travel").then()
                .statusCode(404);
        Api.as(stranger.token()).body(Map.of("settings", Map.of("steps", 1))).put("/v1/shots/" + shot + "/settings/travel").then()
                .statusCode(404);
        Api.as(user.token()).body(Map.of("settings", Map.of("steps", 1))).put("/v1/me/settings/" + "k".repeat(101)).then().statusCode(400)
                .body("errors[0].field", equalTo("key"));
        Api.as(user.token()).body("{\"settings\": [1, 2]}").put("/v1/me/settings/travel").then().statusCode(400)
                .body("errors[0].field", equalTo("settings"));
        Api.as(user.token()).body(Map.of("settings", Map.of("blob", "x".repeat(70_000)))).put("/v1/me/settings/travel").then()
                .statusCode(400).body("errors[0].field", equalTo("settings"));
        Api.as(user.token()).get("/v1/me").then().body("settings.travel.steps", equalTo(8));
    }

    /**
     * Merge patches and key replacements of one user's settings, 24 at once on distinct keys: every
     * write survives (a merge computed from a stale read would drop the others' keys).
     */
    @Test
    void concurrentMergePatchesAndKeyReplacementsLoseNothing() throws Exception {
        User user = Fixtures.user();
        Api.as(user.token()).get("/v1/me").then().statusCode(200);
        AtomicInteger next = new AtomicInteger();
        List<Integer> statuses = Race.run(24, () -> {
            int i = next.getAndIncrement();
            if (i % 2 == 0) {
                return Api.as(user.token()).body(Map.of("settings", Map.of("merged-" + i, Map.of("n", i))))
                        .patch("/v1/me").statusCode();
            }
            return Api.as(user.token()).body(Map.of("settings", Map.of("n", i))).put("/v1/me/settings/replaced-" + i).statusCode();
        });
        assertThat(statuses).containsOnly(200);
        JsonPath settings = Api.as(user.token()).get("/v1/me").then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < 24; i++) {
            String key = (i % 2 == 0 ? "merged-" : "replaced-") + i;
            assertThat(settings.getInt("settings.'" + key + "'.n")).as(key).isEqualTo(i);
        }

        String project = Fixtures.project(user);
        AtomicInteger nextProject = new AtomicInteger();
        Race.run(16, () -> {
            int i = nextProject.getAndIncrement();
            return i % 2 == 0
                    ? Api.as(user.token()).body(Map.of("settings", Map.of("merged-" + i, i))).patch("/v1/projects/" + project)
                            .statusCode()
                    : Api.as(user.token()).body(Map.of("settings", Map.of("n", i))).put("/v1/projects/" + project + "/settings/replaced-" + i)
                            .statusCode();
        });
        JsonPath projectSettings = Api.as(user.token()).get("/v1/projects/" + project).then().statusCode(200).extract()
                .jsonPath();
        for (int i = 0; i < 16; i++) {
            assertThat((Object) projectSettings.get("settings.'" + (i % 2 == 0 ? "merged-" : "replaced-") + i + "'"))
                    .as("project key " + i).isNotNull();
        }
    }
}
