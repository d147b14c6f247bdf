package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The caller is the token's {@code sub}: a token for the attacker that names a victim in
 * {@code preferred_username} or {@code upn} (the claims the JWT library prefers for its principal's
 * name) sees, cancels and creates nothing of the victim's.
 */
@QuarkusTest
class CallerIdentityTest {

    @ParameterizedTest
    @ValueSource(strings = { "preferred_username", "upn" })
    void theCallerIsTheSubNeverANameClaim(String nameClaim) {
        Fixtures.Owner victim = Fixtures.owner();
        UUID victimTask = Fixtures.createTask(victim, "single_image");
        Fixtures.Owner attacker = Fixtures.owner();
        UUID attackerTask = Fixtures.createTask(attacker, "single_image");
        String forged = Tokens.builder().subject(attacker.userId().toString())
                .claim(nameClaim, victim.userId().toString()).sign();

        List<String> listed = Api.as(forged).get("/v1/tasks").then().statusCode(200).extract().path("items.id");
        assertThat(listed).containsExactly(attackerTask.toString());
        Api.as(forged).get("/v1/tasks/" + victimTask).then().statusCode(404).body("code", equalTo("not_found"));
        Api.as(forged).get("/v1/tasks?project_id=" + victim.projectId()).then().statusCode(404);
        Api.as(forged).post("/v1/tasks/" + victimTask + "/cancel").then().statusCode(404);
        Api.as(forged).body(Fixtures.body("project_id", victim.projectId(), "task_type", "single_image"))
                .post("/v1/tasks").then().statusCode(404);
        Api.as(forged).get("/v1/tasks/counts").then().statusCode(200).body("queued", equalTo(1));
        assertThat(Fixtures.status(victimTask)).isEqualTo("Queued");
    }
}
