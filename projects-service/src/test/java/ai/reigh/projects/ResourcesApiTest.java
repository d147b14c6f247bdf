package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ResourcesApiTest {

    @Test
    void createGetPatchDelete() {
        User owner = Fixtures.user();
        String id = Api.as(owner.token())
                .body(Map.of("type", "lora", "name", "Film grain", "url", "https://hf.example.test/grain.safetensors",
                        "metadata", Map.of("strength", 0.8)))
                .post("/v1/resources").then().statusCode(201).body("type", equalTo("lora"))
                .body("user_id", equalTo(owner.id().toString())).body("is_public", equalTo(false))
                .body("url", equalTo("https://hf.example.test/grain.safetensors")).extract().path("id");
        Api.as(owner.token()).get("/v1/resources/" + id).then().statusCode(200).body("name", equalTo("Film grain"));
        Api.as(owner.token()).body(Map.of("name", "Film grain v2", "is_public", true, "metadata", Map.of("trigger", "grainy")))
                .patch("/v1/resources/" + id).then().statusCode(200).body("name", equalTo("Film grain v2"))
                .body("is_public", equalTo(true)).body("metadata.trigger", equalTo("grainy"))
                .body("metadata.strength", equalTo(new java.math.BigDecimal("0.8")));
        Api.as(owner.token()).delete("/v1/resources/" + id).then().statusCode(204);
        Api.as(owner.token()).get("/v1/resources/" + id).then().statusCode(404);
    }

    @Test
    void createValidation() {
        User owner = Fixtures.user();
        Api.as(owner.token()).body(Map.of("type", "lora", "name", "x", "url", "https://a.test/x", "object_id",
                UUID.randomUUID().toString())).post("/v1/resources").then().statusCode(400)
                .body("errors.field", hasItem("url"));
        Api.as(owner.token()).body(Map.of("type", "LoRA!", "name", "x", "url", "https://a.test/x")).post("/v1/resources")
                .then().statusCode(400).body("errors.field", hasItem("type"));
        Api.as(owner.token()).body(Map.of("type", "lora", "name", "", "url", "https://a.test/x")).post("/v1/resources")
                .then().statusCode(400).body("errors.field", hasItem("name"));
        Api.as(owner.token()).body(Map.of("type", "lora", "name", "x", "url", "ftp://a.test/x")).post("/v1/resources")
                .then().statusCode(400).body("errors.field", hasItem("url"));
        Api.as(owner.token()).body(Map.of("type", "lora", "name", "x", "url", "https://a.test/x", "user_id",
                UUID.randomUUID().toString())).post("/v1/resources").then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        Api.as(owner.token()).body(Map.of("type", "lora", "name", "x", "url", "https://a.test/x", "is_public", "yes"))
                .post("/v1/resources").then().statusCode(400).body("errors[0].field", equalTo("is_public"));
    }

    @Test
    void scopesAndTypeFilter() {
        User owner = Fixtures.user();
        User other = Fixtures.user();
        String mine = Fixtures.resource(owner, false);
        String minePublic = Fixtures.resource(owner, true);
        String theirsPublic = Fixtures.resource(other, true);
        String theirsPrivate = Fixtures.resource(other, false);
        String style = Api.as(owner.token())
                .body(Map.of("type", "style-reference", "name", "Noir", "url", "https://a.test/noir.png"))
                .post("/v1/resources").then().statusCode(201).extract().path("id");

        List<String> defaultScope = Api.as(owner.token()).get("/v1/resources").then().statusCode(200).extract().path("items.id");
        assertThat(defaultScope).containsExactly(style, minePublic, mine);
        Api.as(owner.token()).queryParam("scope", "mine").queryParam("type", "lora").get("/v1/resources").then()
                .statusCode(200).body("items.id", org.hamcrest.Matchers.contains(minePublic, mine));
        List<String> everyonesPublic = Api.as(owner.token()).queryParam("scope", "public").queryParam("limit", 200)
                .get("/v1/resources").then().statusCode(200).body("items.is_public", everyItem(equalTo(true)))
                .extract().path("items.id");
        assertThat(everyonesPublic).contains(theirsPublic, minePublic).doesNotContain(theirsPrivate, mine);
        Api.as(owner.token()).queryParam("scope", "public").queryParam("type", "style-reference").queryParam("limit", 200)
                .get("/v1/resources").then().body("items.id", not(hasItem(style)));

        Api.as(owner.token()).queryParam("scope", "all").get("/v1/resources").then().statusCode(400)
                .body("errors[0].field", equalTo("scope"));
        Api.as(owner.token()).queryParam("type", "Bad Type").get("/v1/resources").then().statusCode(400)
                .body("errors[0].field", equalTo("type"));
    }

    @Test
    void publicResourcesAreReadableButOnlyTheOwnerWrites() {
        User owner = Fixtures.user();
        User other = Fixtures.user();
        String shared = Fixtures.resource(owner, true);
        String hidden = Fixtures.resource(owner, false);

        Api.as(other.token()).get("/v1/resources/" + shared).then().statusCode(200).body("id", equalTo(shared));
        Api.as(other.token()).body(Map.of("name", "mine now")).patch("/v1/resources/" + shared).then().statusCode(403)
                .body("code", equalTo("forbidden"));
        Api.as(other.token()).delete("/v1/resources/" + shared).then().statusCode(403);

        Api.as(other.token()).get("/v1/resources/" + hidden).then().statusCode(404);
        Api.as(other.token()).body(Map.of("name", "mine now")).patch("/v1/resources/" + hidden).then().statusCode(404);
        Api.as(other.token()).delete("/v1/resources/" + hidden).then().statusCode(404);

        // Unpublishing makes it a plain foreign resource for the other user.
        Api.as(owner.token()).body(Map.of("is_public", false)).patch("/v1/resources/" + shared).then().statusCode(200);
        Api.as(other.token()).get("/v1/resources/" + shared).then().statusCode(404);
        Api.as(owner.token()).get("/v1/resources/" + shared).then().statusCode(200).body("name", not(equalTo("mine now")));
    }
}
