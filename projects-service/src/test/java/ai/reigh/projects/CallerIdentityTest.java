package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The caller is the token's {@code sub}, whatever else the token says. The JWT library names its
 * principal after {@code upn}, then {@code preferred_username}, then {@code sub}: a token signed for
 * the attacker ({@code sub}) that names a victim in one of the other two claims must still act as the
 * attacker, on the profile and on the victim's project.
 */
@QuarkusTest
class CallerIdentityTest {

    @ParameterizedTest
    @ValueSource(strings = { "preferred_username", "upn" })
    void theCallerIsTheSubNeverANameClaim(String nameClaim) {
        User victim = Fixtures.user();
        String victimProject = Fixtures.project(victim, "victim's project");
        Api.as(victim.token()).body(Map.of("name", "Victim")).patch("/v1/me").then().statusCode(200);
        UUID attacker = UUID.randomUUID();
        String forged = Tokens.builder().subject(attacker.toString()).claim("email", attacker + "@example.test")
                .claim(nameClaim, victim.id().toString()).sign();

        Api.as(forged).get("/v1/me").then().statusCode(200).body("id", equalTo(attacker.toString()))
                .body("email", equalTo(attacker + "@example.test"));
        Api.as(forged).get("/v1/projects/" + victimProject).then().statusCode(404).body("code", equalTo("not_found"));
        Api.as(forged).body(Map.of("name", "hijacked")).patch("/v1/projects/" + victimProject).then().statusCode(404);
        List<String> visible = Api.as(forged).get("/v1/projects").then().statusCode(200).extract().path("items.id");
        assertThat(visible).doesNotContain(victimProject);
        // What the attacker creates is the attacker's, not the victim's.
        String created = Api.as(forged).body(Map.of("name", "mine")).post("/v1/projects").then().statusCode(201)
                .extract().path("id");
        Api.as(victim.token()).get("/v1/projects/" + created).then().statusCode(404);
        Api.as(victim.token()).get("/v1/projects/" + victimProject).then().statusCode(200)
                .body("name", equalTo("victim's project"));
        Api.as(victim.token()).get("/v1/me").then().statusCode(200).body("name", equalTo("Victim"));
    }
}
