package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.auth.PersonalAccessTokens;
import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.projects.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AccessTokensApiTest {

    @Test
    void theSecretIsShownOnceAndStoredOnlyAsAHash() {
        User user = Fixtures.user();
        var created = Api.as(user.token()).body(Map.of("name", "my 4090", "expires_in_days", 30)).post("/v1/me/tokens")
                .then().statusCode(201).body("name", equalTo("my 4090")).body("token", startsWith("reigh_pat_"))
                .extract();
        String id = created.path("id");
        String secret = created.path("token");
        assertThat((String) created.path("token_prefix")).isEqualTo(PersonalAccessTokens.displayPrefix(secret));
        Instant expiresAt = Instant.parse(created.path("expires_at"));
        assertThat(expiresAt).isBetween(Instant.now().plus(Duration.ofDays(30)).minusSeconds(120),
                Instant.now().plus(Duration.ofDays(30)).plusSeconds(120));

        String listed = Api.as(user.token()).get("/v1/me/tokens").then().statusCode(200)
                .body("items[0].id", equalTo(id)).body("items[0].token", nullValue())
                .body("items[0].token_hash", nullValue()).body("items[0].revoked_at", nullValue())
                .extract().asString();
        assertThat(listed).doesNotContain(secret).doesNotContain(PersonalAccessTokens.hash(secret));

        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT token_hash FROM personal_access_tokens WHERE id = ?::uuid", id))
                    .isEqualTo(PersonalAccessTokens.hash(secret));
            assertThat(sql.count("SELECT count(*) FROM personal_access_tokens WHERE token_hash = ? OR token_prefix = ?",
                    secret, secret)).isZero();
        }
        // tasks-service authenticates local workers with it.
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsService()) {
            assertThat(tasks.value("SELECT reigh_authenticate_pat(?)::text", PersonalAccessTokens.hash(secret)))
                    .isEqualTo(user.id().toString());
        }
    }

    @Test
    void revokingStopsTheTokenAtOnceAndKeepsTheRow() {
        User user = Fixtures.user();
        var created = Api.as(user.token()).body(Map.of("name", "laptop")).post("/v1/me/tokens").then().statusCode(201)
                .extract();
        String id = created.path("id");
        String hash = PersonalAccessTokens.hash(created.path("token"));
        // Default lifetime: 90 days.
        assertThat(Instant.parse(created.path("expires_at"))).isAfter(Instant.now().plus(Duration.ofDays(89)));

        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsService()) {
            assertThat(tasks.value("SELECT reigh_authenticate_pat(?)::text", hash)).isEqualTo(user.id().toString());
            Api.as(user.token()).delete("/v1/me/tokens/" + id).then().statusCode(204);
            assertThat(tasks.value("SELECT reigh_authenticate_pat(?)", hash)).isNull();
        }
        Api.as(user.token()).get("/v1/me/tokens").then().statusCode(200).body("items[0].id", equalTo(id))
                .body("items[0].revoked_at", notNullValue());
        // Revoking again is harmless; someone else's or an unknown token is a 404.
        Api.as(user.token()).delete("/v1/me/tokens/" + id).then().statusCode(204);
        Api.as(Fixtures.user().token()).delete("/v1/me/tokens/" + id).then().statusCode(404);
        Api.as(user.token()).delete("/v1/me/tokens/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void validationAndTheLiveTokenLimit() {
        User user = Fixtures.user();
        Api.as(user.token()).body(Map.of()).post("/v1/me/tokens").then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        Api.as(user.token()).body(Map.of("name", "x", "expires_in_days", 0)).post("/v1/me/tokens").then()
                .statusCode(400).body("errors[0].field", equalTo("expires_in_days"));
        Api.as(user.token()).body(Map.of("name", "x", "expires_in_days", 366)).post("/v1/me/tokens").then()
                .statusCode(400).body("errors[0].field", equalTo("expires_in_days"));
        Api.as(user.token()).body(Map.of("name", "x", "token_hash", "abc")).post("/v1/me/tokens").then()
                .statusCode(400).body("code", equalTo("unknown_field"));

        String first = null;
        for (int i = 0; i < 20; i++) {
            String id = Api.as(user.token()).body(Map.of("name", "t" + i)).post("/v1/me/tokens").then().statusCode(201)
                    .extract().path("id");
            first = first == null ? id : first;
        }
        Api.as(user.token()).body(Map.of("name", "one too many")).post("/v1/me/tokens").then().statusCode(422)
                .body("code", equalTo("quota_exceeded"));
        // A revoked token no longer counts.
        Api.as(user.token()).delete("/v1/me/tokens/" + first).then().statusCode(204);
        Api.as(user.token()).body(Map.of("name", "replacement")).post("/v1/me/tokens").then().statusCode(201);
        List<String> page = Api.as(user.token()).queryParam("limit", 200).get("/v1/me/tokens").then().statusCode(200)
                .extract().path("items.id");
        assertThat(page).hasSize(21);
    }

    @Test
    void concurrentCreatesCannotPassTheLimit() throws Exception {
        User user = Fixtures.user();
        for (int i = 0; i < 15; i++) {
            Api.as(user.token()).body(Map.of("name", "t" + i)).post("/v1/me/tokens").then().statusCode(201);
        }
        List<Integer> statuses = Race.run(10, () -> Api.as(user.token()).body(Map.of("name", "racing"))
                .post("/v1/me/tokens").statusCode());
        assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(5);
        assertThat(statuses.stream().filter(s -> s == 422).count()).isEqualTo(5);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM personal_access_tokens WHERE user_id = ?", user.id())).isEqualTo(20);
        }
    }

    @Test
    void onlyAUserTokenManagesTokens() {
        Api.as(Tokens.localWorker(UUID.randomUUID())).body(Map.of("name", "x")).post("/v1/me/tokens").then()
                .statusCode(403);
        Api.given().body(Map.of("name", "x")).contentType("application/json").post("/v1/me/tokens").then().statusCode(401);
    }
}
