package ai.reigh.projects;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.comparesEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.math.BigDecimal;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.PlatformEndpointsContract;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** The platform endpoints every service has, and the shape of auth and input failures. */
@QuarkusTest
class PlatformEndpointsTest extends PlatformEndpointsContract {

    @Test
    void aMissingTokenIsA401Problem() {
        given().get("/v1/me").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("unauthorized")).body("status", equalTo(401));
    }

    @Test
    void aValidTokenProvisionsTheUser() {
        UUID id = UUID.randomUUID();
        Api.as(Tokens.user(id)).get("/v1/me").then().statusCode(200)
                .body("id", equalTo(id.toString())).body("total_credits", comparesEqualTo(BigDecimal.ZERO))
                .body("email", equalTo(id + "@example.test"));
    }

    @Test
    void writesToServerOwnedFieldsAreRefused() {
        UUID id = UUID.randomUUID();
        given().auth().oauth2(Tokens.user(id)).contentType("application/json").body("{\"total_credits\": 1000}")
                .patch("/v1/me").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("unknown_field")).body("errors[0].field", equalTo("total_credits"));
    }

    @Test
    void malformedJsonIsA400Problem() {
        given().auth().oauth2(Tokens.user(UUID.randomUUID())).contentType("application/json").body("{\"name\": ")
                .patch("/v1/me").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("malformed_json")).body("detail", notNullValue());
    }
}
