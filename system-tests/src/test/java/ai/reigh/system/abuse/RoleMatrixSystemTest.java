package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.system.abuse.OpenApiRoutes.Route;
import io.restassured.RestAssured;

/**
 * Roles, generated from the OpenAPI documents: every route that needs a signed-in caller answers 401
 * to an anonymous one and 403 to every role it does not admit (a user on worker, admin and internal
 * routes, a worker on user routes, …). Internal routes are called on the services themselves (the
 * gateway does not route them). Each refusal is a problem+json body with its code.
 */
class RoleMatrixSystemTest {

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    private record Identity(String name, String token, Set<String> roles) {
    }

    @Test
    void everyRouteRefusesCallersWithoutOneOfItsRoles() {
        UUID user = UUID.randomUUID();
        List<Identity> identities = List.of(
                new Identity("user", Tokens.user(user), Set.of("user")),
                new Identity("cloud worker", Tokens.worker(), Set.of("worker")),
                new Identity("local worker", Tokens.localWorker(user), Set.of("worker")),
                new Identity("admin", Tokens.admin(UUID.randomUUID()), Set.of("admin", "user")),
                new Identity("service", Tokens.service(), Set.of("service")));
        Map<String, Integer> refusals = new LinkedHashMap<>();
        List<String> checked = new ArrayList<>();
        for (Route route : OpenApiRoutes.all()) {
            if (route.isPublic()) {
                continue;
            }
            String path = RouteFixtures.randomPath(route);
            Problems.assertProblem(Calls.send(route, path, null, null), 401, "unauthorized", "anonymous → " + route);
            refusals.merge("401", 1, Integer::sum);
            for (Identity identity : identities) {
                if (!Collections.disjoint(identity.roles(), route.roles())) {
                    continue;
                }
                Problems.assertProblem(Calls.send(route, path, identity.token(), null), 403, "forbidden",
                        identity.name() + " → " + route);
                refusals.merge("403", 1, Integer::sum);
            }
            checked.add(route.key());
        }
        System.out.printf("role matrix: %d routes, refusals %s%n", checked.size(), refusals);
        assertThat(checked).hasSizeGreaterThan(60);
        assertThat(refusals.get("403")).as("role refusals checked").isGreaterThan(150);
    }

    @Test
    void onlyThePublicObjectRouteAndTheStripeWebhookNeedNoToken() {
        List<String> publicRoutes = OpenApiRoutes.all().stream().filter(Route::isPublic).map(Route::key).sorted().toList();
        assertThat(publicRoutes).containsExactly("GET /storage/v1/object/public/{bucket}/{key}",
                "HEAD /storage/v1/object/public/{bucket}/{key}", "POST /v1/credits/stripe/webhook");
    }
}
