package ai.reigh.system.abuse;

import java.util.Map;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.system.abuse.OpenApiRoutes.Route;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Sends a route's request: through the gateway, or straight to its service for internal routes. */
final class Calls {
    private Calls() {
    }

    static String baseUrl(Route route) {
        return route.isInternal() ? SystemUnderTest.shared().service(route.service()).url()
                : SystemUnderTest.shared().gatewayUrl();
    }

    /** {@code token} null: anonymous. {@code body} null: none (a JSON route gets {@code {}}). */
    static Response send(Route route, String path, String token, Object body) {
        RequestSpecification request = Api.given().baseUri(baseUrl(route)).urlEncodingEnabled(false);
        if (token != null) {
            request.auth().oauth2(token);
        }
        if (route.body() == OpenApiRoutes.BodyKind.JSON) {
            request.contentType("application/json").body(body == null ? Map.of() : body);
        } else if (route.body() == OpenApiRoutes.BodyKind.RAW) {
            request.contentType("image/png").body(new byte[] { 1, 2, 3 });
        }
        return request.request(route.method(), path);
    }
}
