package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.system.abuse.OpenApiRoutes.Route;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Mass assignment, generated from the OpenAPI documents: every public write route that takes JSON is
 * sent a body that would be valid for its caller plus one server-owned field at a time — every field of
 * the route's own answer and the platform's server-owned columns, except those the route really
 * accepts — and must answer 400 {@code unknown_field} naming that field. Nothing of the caller's
 * changes. Internal routes (role {@code service} only) are the exception by design: their bodies ignore
 * fields they do not know, so that a newer release's sender is not refused during a rolling upgrade
 * (common's {@code InternalContractsTest}, each receiver's tests); an ignored field is never assigned.
 */
class MassAssignmentSystemTest {
    /** Columns only the platform writes, whatever the route. */
    static final Set<String> SERVER_OWNED = Set.of("id", "user_id", "owner_id", "project_id", "total_credits", "status",
            "attempts", "max_attempts", "lease_token", "lease_expires_at", "worker_id", "created_at", "updated_at",
            "confirmed_at", "completion_hash", "request_hash", "output_location", "result_data", "generation_started_at",
            "generation_processed_at", "parent_task_id", "run_after", "amount", "type", "task_id", "key", "size_bytes",
            "order", "position", "is_public", "email", "created_by", "refund_of", "url", "bucket", "expires_at",
            "token_hash", "last_used_at", "error_message", "role", "groups", "is_admin", "balance", "config_version");

    private static TenantWorld alice;

    @BeforeAll
    static void world() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
        alice = TenantWorld.create("mass");
    }

    @Test
    void everyServerOwnedFieldIsRefusedOnEveryWriteRoute() throws Exception {
        Map<String, String> before = alice.snapshot();
        List<Callable<String>> probes = new ArrayList<>();
        for (Route route : OpenApiRoutes.all()) {
            if (route.body() != OpenApiRoutes.BodyKind.JSON || route.isInternal()) {
                continue;
            }
            Set<String> fields = new TreeSet<>(SERVER_OWNED);
            fields.addAll(route.responseFields());
            fields.removeAll(route.requestFields());
            String path = RouteFixtures.path(route, alice).orElseGet(() -> RouteFixtures.randomPath(route));
            String caller = caller(route);
            for (String field : fields) {
                Map<String, Object> body = RouteFixtures.body(route, alice)
                        .orElseThrow(() -> new AssertionError("no body fixture: " + route));
                body.put(field, field.endsWith("_id") || field.equals("id") ? UUID.randomUUID().toString()
                        : field.equals("total_credits") || field.equals("amount") ? new BigDecimal("1000000") : "x");
                probes.add(() -> {
                    Response answer = Calls.send(route, path, caller, body);
                    Problems.assertProblem(answer, 400, "unknown_field", route.key() + " + " + field);
                    assertThat(answer.jsonPath().getString("errors[0].field")).as(route.key() + " names " + field)
                            .isEqualTo(field);
                    return route.key() + " " + field;
                });
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (Future<String> probe : pool.invokeAll(probes)) {
                probe.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("mass assignment: %d route × field probes%n", probes.size());
        assertThat(probes).as("route × field probes").hasSizeGreaterThan(500);
        assertThat(alice.snapshot()).as("nothing of alice's changed").isEqualTo(before);
    }

    @Test
    void theBalanceCannotBeWrittenThroughTheProfile() {
        Problems.assertProblem(Api.as(alice.token()).body(Map.of("name", "rich", "total_credits", 1_000_000))
                .patch("/v1/me"), 400, "unknown_field", "PATCH /v1/me total_credits");
        Problems.assertProblem(Api.as(alice.token()).body(Map.of("settings", Map.of(), "id", UUID.randomUUID().toString()))
                .patch("/v1/me"), 400, "unknown_field", "PATCH /v1/me id");
        Api.as(alice.token()).get("/v1/credits/balance").then().statusCode(200)
                .body("total_credits", org.hamcrest.Matchers.comparesEqualTo(new BigDecimal("50")));
    }

    private static String caller(Route route) {
        if (route.roles().contains("user")) {
            return alice.token();
        }
        if (route.roles().contains("worker")) {
            return alice.workerToken();
        }
        if (route.roles().contains("admin")) {
            return Tokens.admin(UUID.randomUUID());
        }
        throw new AssertionError("no caller for " + route);
    }
}
