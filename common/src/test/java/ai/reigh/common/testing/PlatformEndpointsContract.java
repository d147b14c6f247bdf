package ai.reigh.common.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

/**
 * What every service answers besides its API: liveness, readiness that reflects its database,
 * OpenAPI with Swagger UI, and Prometheus metrics. Each service's test extends it under
 * {@code @QuarkusTest}.
 */
public abstract class PlatformEndpointsContract {

    @Test
    void livenessAndReadinessFollowTheDatabase() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Reactive PostgreSQL")));
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        given().get("/q/openapi?format=json").then().statusCode(200).body("openapi", containsString("3."));
        given().redirects().follow(true).get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void prometheusMetricsAreServed() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void unknownRoutesAnswerProblemJson() {
        given().get("/v1/no-such-route").then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("not_found"));
    }
}
