package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The operator console finds a user by id, or by the start of their email or username. */
@QuarkusTest
class OperatorUsersApiTest {
    private static final String ADMIN = Tokens.admin(UUID.randomUUID());

    @Test
    void operatorsFindUsersByIdEmailPrefixOrUsernameInEmailOrder() {
        String run = "op" + UUID.randomUUID().toString().substring(0, 8);
        List<UUID> ids = new ArrayList<>();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            for (String email : List.of(run + "-c@example.test", run.toUpperCase() + "-A@example.test", run + "-b@example.test")) {
                UUID id = UUID.randomUUID();
                sql.update("INSERT INTO users (id, email) VALUES (?, ?)", id, email);
                ids.add(id);
            }
            sql.update("UPDATE users SET username = ? WHERE id = ?", "u_" + run, ids.get(0));
            // A wildcard in the query is a character, not "anything".
            sql.update("INSERT INTO users (id, email) VALUES (?, ?)", UUID.randomUUID(), run + "x-d@example.test");
        }

        JsonPath first = Api.as(ADMIN).get("/v1/admin/users?q=" + run.toUpperCase() + "-&limit=2").then().statusCode(200)
                .extract().jsonPath();
        List<String> emails = new ArrayList<>(first.getList("items.email"));
        JsonPath second = Api.as(ADMIN).get("/v1/admin/users?q=" + run + "-&limit=2&cursor=" + first.getString("next_cursor"))
                .then().statusCode(200).extract().jsonPath();
        emails.addAll(second.getList("items.email"));
        assertThat(second.getString("next_cursor")).isNull();
        assertThat(emails).containsExactly(run.toUpperCase() + "-A@example.test", run + "-b@example.test", run + "-c@example.test");

        assertThat(Api.as(ADMIN).get("/v1/admin/users?q=U_" + run).then().statusCode(200).extract().jsonPath()
                .getList("items.id")).containsExactly(ids.get(0).toString());
        assertThat(Api.as(ADMIN).get("/v1/admin/users?q=" + ids.get(1)).then().statusCode(200).extract().jsonPath()
                .getList("items.email")).containsExactly(run.toUpperCase() + "-A@example.test");
        assertThat(Api.as(ADMIN).get("/v1/admin/users?q=" + run + "_").then().statusCode(200).extract().jsonPath()
                .getList("items")).as("_ matches itself only").isEmpty();

        Api.as(ADMIN).get("/v1/admin/users").then().statusCode(400).body("code", equalTo("validation_failed"));
        Api.as(ADMIN).get("/v1/admin/users?q=" + "x".repeat(201)).then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/users?q=a&limit=0").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/users?q=a&cursor=%%%").then().statusCode(400);
        Api.as(Tokens.user(ids.get(0))).get("/v1/admin/users?q=a").then().statusCode(403);
    }
}
