package ai.reigh.projects;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class MeApiTest {

    @Test
    void settingsAreAMergePatchAndNameChanges() {
        User user = Fixtures.user();
        Api.as(user.token()).body(Map.of("settings", Map.of("ui", Map.of("generationMethods", Map.of("inCloud", true)),
                "theme", "dark"))).patch("/v1/me").then().statusCode(200)
                .body("settings.ui.generationMethods.inCloud", equalTo(true)).body("settings.theme", equalTo("dark"));
        Map<String, Object> patch = new HashMap<>();
        patch.put("theme", null);
        patch.put("ui", Map.of("generationMethods", Map.of("onComputer", true)));
        Api.as(user.token()).body(Map.of("name", "Ada", "settings", patch)).patch("/v1/me").then().statusCode(200)
                .body("name", equalTo("Ada")).body("settings.theme", nullValue())
                .body("settings.ui.generationMethods.inCloud", equalTo(true))
                .body("settings.ui.generationMethods.onComputer", equalTo(true));
        Api.as(user.token()).get("/v1/me").then().statusCode(200).body("name", equalTo("Ada"))
                .body("id", equalTo(user.id().toString()));
    }

    @Test
    void serverOwnedFieldsAreRefused() {
        User user = Fixtures.user();
        for (Map<String, Object> body : java.util.List.<Map<String, Object>>of(Map.of("total_credits", 100),
                Map.of("id", UUID.randomUUID().toString()), Map.of("email", "someone@else.test"),
                Map.of("name", "x", "total_credits", 5))) {
            Api.as(user.token()).body(body).patch("/v1/me").then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("unknown_field"));
        }
        Api.as(user.token()).body(Map.of("settings", "dark")).patch("/v1/me").then().statusCode(400)
                .body("errors[0].field", equalTo("settings"));
        Api.as(user.token()).get("/v1/me").then().statusCode(200).body("email", equalTo(user.id() + "@example.test"))
                .body("total_credits", org.hamcrest.Matchers.comparesEqualTo(java.math.BigDecimal.ZERO));
    }
}
