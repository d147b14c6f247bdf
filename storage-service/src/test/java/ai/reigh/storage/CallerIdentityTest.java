package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The caller is the token's {@code sub}: a token for the attacker that names a victim in
 * {@code preferred_username} or {@code upn} (the claims the JWT library prefers for its principal's
 * name) reads, deletes and uploads nothing as the victim.
 */
@QuarkusTest
class CallerIdentityTest {

    @ParameterizedTest
    @ValueSource(strings = { "preferred_username", "upn" })
    void theCallerIsTheSubNeverANameClaim(String nameClaim) {
        User victim = User.create();
        String victimObject = Fixtures.readyObject(victim, "training-data", "video/mp4", Fixtures.bytes(100, 7))
                .getString("id");
        User attacker = User.create();
        String forged = Tokens.builder().subject(attacker.id().toString()).claim(nameClaim, victim.id().toString())
                .sign();

        Api.as(forged).get("/v1/storage/objects/" + victimObject).then().statusCode(404)
                .body("code", equalTo("not_found"));
        Api.as(forged).delete("/v1/storage/objects/" + victimObject).then().statusCode(404);
        List<String> listed = Api.as(forged).get("/v1/storage/objects").then().statusCode(200).extract()
                .path("items.id");
        assertThat(listed).isEmpty();
        // An upload the attacker starts is the attacker's.
        JsonPath ticket = Fixtures.presign(new User(attacker.id(), forged), "public", "image/png", 10, null);
        String uploaded = ticket.getString("object_id");
        Api.as(attacker.token()).get("/v1/storage/objects/" + uploaded).then().statusCode(200);
        Api.as(victim.token()).get("/v1/storage/objects/" + uploaded).then().statusCode(404);
        assertThat(Fixtures.statusOf(victimObject)).isEqualTo("ready");
    }
}
