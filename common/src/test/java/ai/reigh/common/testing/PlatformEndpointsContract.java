package ai.reigh.common.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.json.IsoInstantSerializer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What every service answers besides its API: liveness, readiness that reflects its database and
 * Prometheus metrics on the management interface (its own port, never the service port), OpenAPI with
 * Swagger UI on the service port. Each service's test extends it under {@code @QuarkusTest}.
 */
public abstract class PlatformEndpointsContract {
    @Inject
    ObjectMapper json;

    @Inject
    Pool pool;

    @Test
    void livenessAndReadinessFollowTheDatabase() {
        Api.management().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Api.management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Reactive PostgreSQL")));
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        given().get("/q/openapi?format=json").then().statusCode(200).body("openapi", containsString("3."));
        given().redirects().follow(true).get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void prometheusMetricsAreServed() {
        Api.management().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void healthAndMetricsAreNotServedOnTheServicePort() {
        for (String path : new String[] { "/q/health", "/q/health/ready", "/q/health/live", "/q/metrics" }) {
            given().get(path).then().statusCode(404).contentType("application/problem+json")
                    .body("code", equalTo("not_found"));
        }
    }

    /**
     * Metrics are labelled with the route's template ({@code /v1/projects/{id}}), never the path a
     * caller asked for: ids in paths would show who works on what to whoever reads the metrics, and
     * every id would be a new time series.
     */
    @Test
    void httpServerMetricsNameRouteTemplatesNeverTheIdsInPaths() {
        String id = UUID.randomUUID().toString();
        Map<String, Map<String, Object>> paths = given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().path("paths");
        String template = paths.keySet().stream().filter(path -> path.contains("{")).sorted().findFirst().orElseThrow();
        String method = paths.get(template).keySet().stream().filter(m -> m.matches("get|post|put|patch|delete"))
                .findFirst().orElseThrow();
        String concrete = template.replaceAll("\\{[^}]+}", id);
        given().request(method, concrete);
        given().request(method.equals("get") ? "delete" : "get", concrete);
        given().get("/v1/no-such-route/" + id);
        String metrics = Api.management().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("uri=\"" + template + "\"").doesNotContain(id);
    }

    /**
     * The service's own mapper (what its REST layer and clients write with) writes timestamps with the
     * fast serializer: registered after Quarkus' Java time module, or that module's would be used.
     */
    @Test
    void timestampsAreWrittenWithoutAFormatterAsIsoInstants() throws Exception {
        assertThat(json.getSerializerProviderInstance().findValueSerializer(Instant.class))
                .isInstanceOf(IsoInstantSerializer.class);
        assertThat(json.writeValueAsString(Instant.parse("2026-12-07T02:38:10.450591Z")))
                .isEqualTo("\"2026-12-07T02:38:10.450591Z\"");
    }

    /**
     * Every connection of the service's pool opens with the backstops configured (reigh.db.*-timeout):
     * PostgreSQL itself cuts a statement, a lock wait or an idle transaction that runs past them.
     */
    @Test
    void poolConnectionsOpenWithTheDatabaseBackstops() {
        String[][] settings = { { "statement_timeout", "reigh.db.statement-timeout" },
                { "lock_timeout", "reigh.db.lock-timeout" },
                { "idle_in_transaction_session_timeout", "reigh.db.idle-in-transaction-timeout" } };
        for (String[] setting : settings) {
            String configured = ConfigProvider.getConfig().getValue(setting[1], String.class);
            Row row = pool.preparedQuery("SELECT current_setting($1)::interval = $2::text::interval AS applied,"
                    + " extract(epoch FROM current_setting($1)::interval) AS seconds")
                    .execute(Tuple.of(setting[0], configured)).await().atMost(Duration.ofSeconds(10)).iterator().next();
            assertThat(row.getBoolean("applied")).as(setting[0] + " = " + configured).isTrue();
            assertThat(row.getDouble("seconds")).as(setting[0] + " is a limit, not 0 (none)").isPositive();
        }
    }

    @Test
    void unknownRoutesAnswerProblemJson() {
        given().get("/v1/no-such-route").then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("not_found"));
    }
}
