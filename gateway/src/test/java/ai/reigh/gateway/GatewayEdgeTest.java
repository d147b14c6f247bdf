package ai.reigh.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ai.reigh.gateway.connection.PublicListener;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** The gateway's own answers: refusals, request ids, CORS, and a clear 503 when a service is down. */
@QuarkusTest
class GatewayEdgeTest {
    @Inject
    PublicListener listener;

    @BeforeEach
    void publicPort() {
        RestAssured.port = listener.port();
    }

    @Test
    void internalCallsAreNeverRouted() {
        given().post("/internal/v1/charges").then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("not_found")).body("request_id", notNullValue());
        given().get("/v1/projects/../../internal/v1/generations").then().statusCode(404)
                .contentType("application/problem+json");
        given().urlEncodingEnabled(false).get("/v1/projects/%2e%2e/%2e%2e/internal/v1/charges").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void unknownPathsAre404Problems() {
        given().get("/v2/anything").then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void aServiceThatIsDownIsA503ProblemWithRetryAfter() {
        given().header("Authorization", "Bearer x").get("/v1/me").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", "2")
                .body("code", equalTo("service_unavailable")).body("detail", containsString("projects-service"));
        given().get("/v1/workers/uploads").then().statusCode(503).body("detail", containsString("storage-service"));
    }

    @Test
    void everyAnswerCarriesARequestIdAndAWellFormedOneIsKept() {
        given().get("/v2/x").then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
        given().header("X-Request-Id", "abc-123").get("/v2/x").then().header("X-Request-Id", "abc-123")
                .body("request_id", equalTo("abc-123"));
        given().header("X-Request-Id", "bad id with spaces\u0001").get("/v2/x").then()
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void declaredBodiesOverTheLimitAreRefusedBeforeTheyAreRead() throws Exception {
        // HTTP clients will not lie about Content-Length, so this one is written by hand.
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /v1/storage/buckets/public/objects HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: 104857601\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readUntilJsonEnds(socket);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                    .contains("\"code\":\"payload_too_large\"");
        }
    }

    @Test
    void aRefusedBodyDoesNotKeepItsConnectionOpen() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /v1/storage/buckets/public/objects HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: 104857601\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("\"code\":\"payload_too_large\"");
        }
    }

    @Test
    void chunkedJsonBodiesAreReadUpToTheJsonLimitThenForwarded() throws Exception {
        byte[] chunk = ("{\"name\": \"" + "a".repeat(8000)).getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("POST /v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                // 1.6 MB in 8 KB chunks, never terminated: the gateway must not wait for the end.
                for (int i = 0; i < 200; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (java.io.IOException closedAfterTheAnswer) {
                // The gateway answered and closed while we were still writing: expected.
            }
            String answer = readUntilJsonEnds(socket);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                    .contains("\"code\":\"payload_too_large\"");
        }
        // A small one goes through to the service (down in this test: 503 from the forwarding itself).
        given().contentType("application/json").body(new java.io.ByteArrayInputStream("{\"name\": \"x\"}".getBytes()))
                .post("/v1/projects").then().statusCode(503).body("code", equalTo("service_unavailable"));
    }

    @Test
    void theFleetsCompleteTaskAloneMayBeAChunkedBodyOfSeveralMegabytes() throws Exception {
        // 2.7 MB: an inline output of the deployed fleet, sent chunked. Past the JSON limit of every other
        // route, within complete_task's own: forwarded (the service is down in this test: 503).
        byte[] chunk = ("\"" + "A".repeat(8190) + "\"").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(20_000);
            var out = socket.getOutputStream();
            out.write(("POST /functions/v1/complete_task HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 330; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntilJsonEnds(socket);
            assertThat(answer).startsWith("HTTP/1.1 503").contains("\"code\":\"service_unavailable\"");
        }
        // The same body to any other route is refused at the JSON limit.
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(20_000);
            var out = socket.getOutputStream();
            out.write(("POST /functions/v1/update-task-status HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                for (int i = 0; i < 330; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (java.io.IOException closedAfterTheAnswer) {
                // Answered and closed while we were still writing: expected.
            }
            assertThat(readUntilJsonEnds(socket)).startsWith("HTTP/1.1 413").contains("\"code\":\"payload_too_large\"");
        }
    }

    @Test
    void overlongRequestLinesAndHeadersAreProblemsNotBareStatuses() {
        given().get("/v1/projects/" + "a".repeat(5000)).then().statusCode(414).contentType("application/problem+json")
                .body("code", equalTo("uri_too_long"));
        given().header("X-Padding", "p".repeat(20_000)).get("/v1/me").then().statusCode(431)
                .contentType("application/problem+json").body("code", equalTo("headers_too_large"));
    }

    @Test
    void corsAllowsTheWebAppOrigin() {
        given().header("Origin", "http://localhost:5173").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "Authorization,Content-Type")
                .options("/v1/tasks").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://localhost:5173");
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/v1/tasks").then().statusCode(403);
    }

    @Test
    void healthAndMetricsAreOnTheManagementPortNeverThePublicOne() {
        for (String path : new String[] { "/q/health", "/q/health/ready", "/q/health/live", "/q/metrics", "/q/metrics/" }) {
            given().get(path).then().statusCode(404).contentType("application/problem+json")
                    .body("code", equalTo("not_found"));
        }
        management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        management().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    /** Ids in paths stay out of the metrics: requests are counted by the routing table's prefix. */
    @Test
    void metricsCountRoutesNeverThePathsCallersAsked() {
        String id = java.util.UUID.randomUUID().toString();
        given().get("/v1/projects/" + id + "/shots").then().statusCode(503);
        given().get("/v2/things/" + id).then().statusCode(404);
        given().header("X-Padding", "p".repeat(20_000)).get("/v1/tasks/" + id).then().statusCode(431);
        given().get("/v1/projects/" + "a".repeat(5000) + id).then().statusCode(414);
        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("uri=\"/v1/projects/**\"").doesNotContain(id);
    }

    private static io.restassured.specification.RequestSpecification management() {
        String url = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("test.management.url", String.class);
        return given().baseUri(url.endsWith("/q") ? url.substring(0, url.length() - 2) : url);
    }

    /** The answer so far, once its JSON body has closed (the server may keep the socket open). */
    private static String readUntilJsonEnds(Socket socket) throws java.io.IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[1024];
        int read;
        while ((read = socket.getInputStream().read(buffer)) > 0) {
            answer.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            if (answer.toString().trim().endsWith("}")) {
                break;
            }
        }
        return answer.toString();
    }
}
