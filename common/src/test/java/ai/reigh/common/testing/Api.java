package ai.reigh.common.testing;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.specification.RequestSpecification;

/**
 * REST Assured as the services' tests use it: JSON numbers read as BigDecimal (money has 3 places and
 * must not pass through a float even in an assertion).
 */
public final class Api {
    private static final RestAssuredConfig EXACT_NUMBERS = RestAssuredConfig.config()
            .jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL));

    private Api() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().config(EXACT_NUMBERS);
    }

    /**
     * A request to the application's management interface (health, metrics: its own port, never the
     * service port), in a {@code @QuarkusTest}: the test framework publishes its URL.
     */
    public static RequestSpecification management() {
        String url = ConfigProvider.getConfig().getValue("test.management.url", String.class);
        return given().baseUri(url.endsWith("/q") ? url.substring(0, url.length() - 2) : url);
    }

    /** A JSON request with a bearer token. */
    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType("application/json");
    }
}
