package ai.reigh.system;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import io.restassured.RestAssured;

/** The gateway in front of the real services: routing, auth answers and input errors pass through. */
class GatewaySystemTest {

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    @Test
    void aSignedInUserReachesProjectsServiceThroughTheGateway() {
        UUID user = UUID.randomUUID();
        Api.as(Tokens.user(user)).get("/v1/me").then().statusCode(200).body("id", equalTo(user.toString()))
                .header("X-Request-Id", notNullValue());
    }

    @Test
    void withoutATokenTheServiceAnswers401ProblemThroughTheGateway() {
        Api.given().get("/v1/me").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
    }

    @Test
    void theRequestIdGivenToTheGatewayReachesTheServiceAndComesBack() {
        Api.given().header("X-Request-Id", "trace-42").get("/v1/me").then().statusCode(401)
                .header("X-Request-Id", "trace-42").body("request_id", equalTo("trace-42"));
    }

    @Test
    void malformedJsonAndUnknownFieldsAre400ProblemsThroughTheGateway() {
        String token = Tokens.user(UUID.randomUUID());
        Api.as(token).body("{\"name\": ").patch("/v1/me").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("malformed_json"));
        Api.as(token).body("{\"email\": \"x@y.z\"}").patch("/v1/me").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("unknown_field"))
                .body("errors[0].field", equalTo("email"));
    }

    @Test
    void internalRoutesAreNotReachableThroughTheGateway() {
        Api.as(Tokens.service()).body("{}").post("/internal/v1/generations").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
