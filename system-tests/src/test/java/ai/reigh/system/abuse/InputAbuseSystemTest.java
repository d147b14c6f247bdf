package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import ai.reigh.system.abuse.OpenApiRoutes.Route;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Bad input of every kind, through the gateway: bodies over the limits (declared and chunked),
 * deeply nested and huge JSON, malformed JSON, invalid enums, UUIDs, dates and numbers (NaN, 1e309,
 * negative amounts, values PostgreSQL cannot hold), and SQL metacharacters in every query parameter
 * of every list route (generated from the OpenAPI documents). Each answer is the documented 4xx with a
 * problem+json body — never a 500 — and nothing is written.
 */
class InputAbuseSystemTest {
    private static TenantWorld alice;
    private static String admin;

    @BeforeAll
    static void world() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
        alice = TenantWorld.create("input");
        admin = Tokens.admin(UUID.randomUUID());
    }

    private static RequestSpecification as(String token, String json) {
        return Api.given().auth().oauth2(token).contentType("application/json").body(json);
    }

    private static String task(String params) {
        return "{\"project_id\": \"" + alice.project() + "\", \"task_type\": \"single_image\", \"params\": " + params + "}";
    }

    private static String nested(int depth) {
        return "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth);
    }

    /**
     * The deployed fleet's complete_task carries inline outputs: its limit is 5 MiB (docs/worker-compat.md),
     * every other route's 1 MiB.
     */
    private static final Map<String, Integer> LARGE_BODY_ROUTES = Map.of("POST /functions/v1/complete_task", 5_300_000);

    @Test
    void everyJsonWriteRouteRefusesABodyOverTheLimitWith413() {
        String oversized = "{\"name\": \"" + "a".repeat(1_100_000) + "\"}";
        List<String> checked = new ArrayList<>();
        for (Route route : OpenApiRoutes.all()) {
            if (route.isInternal() || route.body() != OpenApiRoutes.BodyKind.JSON) {
                continue;
            }
            String path = RouteFixtures.path(route, alice).orElseGet(() -> RouteFixtures.randomPath(route));
            String token = route.roles().contains("user") ? alice.token()
                    : route.roles().contains("worker") ? alice.workerToken() : admin;
            String body = LARGE_BODY_ROUTES.containsKey(route.key())
                    ? "{\"name\": \"" + "a".repeat(LARGE_BODY_ROUTES.get(route.key())) + "\"}" : oversized;
            Response answer = Api.given().auth().oauth2(token).contentType("application/json").body(body)
                    .request(route.method(), path);
            Problems.assertProblem(answer, 413, "payload_too_large", route.key() + " with " + body.length() + " bytes");
            checked.add(route.key());
        }
        assertThat(checked).hasSizeGreaterThan(25);
    }

    @Test
    void declaredAndChunkedBodiesOverTheLimitsAre413Problems() throws Exception {
        String gateway = SystemUnderTest.shared().gatewayUrl();
        // Declared beyond the gateway's own limit (100 MiB): refused before a byte of it is read.
        RawHttp.Answer huge = RawHttp.exchange(gateway, "POST /v1/storage/buckets/public/objects HTTP/1.1\r\n"
                + "Authorization: Bearer " + alice.token() + "\r\nContent-Type: image/png\r\nContent-Length: "
                + (100L * 1024 * 1024 + 1) + "\r\n", null);
        assertRawProblem(huge, 413, "payload_too_large", "101 MiB declared to the gateway");
        // Beyond storage-service's direct upload limit (32 MiB), declared and sent.
        int overUploadLimit = 32 * 1024 * 1024 + 1;
        RawHttp.Answer upload = RawHttp.exchange(gateway, "POST /v1/storage/buckets/public/objects HTTP/1.1\r\n"
                + "Authorization: Bearer " + alice.token() + "\r\nContent-Type: image/png\r\nContent-Length: "
                + overUploadLimit + "\r\n", new byte[overUploadLimit]);
        assertRawProblem(upload, 413, "payload_too_large", "32 MiB + 1 direct upload");
        // A JSON body sent chunked (no declared length) that goes past the limit.
        byte[] json = ("{\"name\": \"" + "a".repeat(2_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("/v1/projects", "/v1/tasks", "/v1/storage/uploads", "/v1/task-costs/estimate")) {
            RawHttp.Answer chunked = RawHttp.exchange(gateway, "POST " + path + " HTTP/1.1\r\nAuthorization: Bearer "
                    + alice.token() + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                    RawHttp.chunked(json));
            assertRawProblem(chunked, 413, "payload_too_large", "2 MB chunked JSON to " + path);
        }
        // A small chunked body is fine.
        RawHttp.Answer small = RawHttp.exchange(gateway, "POST /v1/projects HTTP/1.1\r\nAuthorization: Bearer "
                + alice.token() + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                RawHttp.chunked("{\"name\": \"chunked\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(small.status()).as(small.body()).isEqualTo(201);
    }

    private static void assertRawProblem(RawHttp.Answer answer, int status, String code, String what) {
        assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.header("content-type")).as(what).startsWith("application/problem+json");
        assertThat(answer.body()).as(what).contains("\"code\":\"" + code + "\"");
        Problems.assertNothingInternal(answer.body(), what);
    }

    @Test
    void deeplyNestedHugeAndMalformedJsonAre400() {
        record Case(String what, String path, String method, String json, int status) {
        }
        StringBuilder wide = new StringBuilder("{\"name\": \"wide\", \"settings\": {");
        for (int i = 0; i < 60_000; i++) {
            wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": ").append(i);
        }
        wide.append("}}");
        StringBuilder longArray = new StringBuilder("[0");
        for (int i = 1; i < 150_000; i++) {
            longArray.append(",1");
        }
        longArray.append(']');
        List<Case> cases = List.of(
                new Case("params nested 33 deep", "/v1/tasks", "POST", task(nested(33)), 400),
                new Case("params nested 20000 deep", "/v1/tasks", "POST", task(nested(20_000)), 400),
                new Case("arrays nested 100000 deep", "/v1/tasks", "POST", task("[".repeat(100_000) + "]".repeat(100_000)), 400),
                new Case("settings with 60000 keys", "/v1/projects", "POST", wide.toString(), 400),
                new Case("params an array of 150000 numbers", "/v1/tasks", "POST", task("{\"a\": " + longArray + "}"), 413),
                new Case("NaN", "/v1/projects", "POST", "{\"name\": NaN}", 400),
                new Case("Infinity", "/v1/tasks", "POST", task("{\"x\": Infinity}"), 400),
                new Case("single quotes", "/v1/projects", "POST", "{'name': 'x'}", 400),
                new Case("trailing comma", "/v1/projects", "POST", "{\"name\": \"x\",}", 400),
                new Case("trailing garbage", "/v1/projects", "POST", "{\"name\": \"x\"} {}", 400),
                new Case("comment", "/v1/projects", "POST", "/* hi */ {\"name\": \"x\"}", 400),
                new Case("an array instead of an object", "/v1/projects", "POST", "[{\"name\": \"x\"}]", 400),
                new Case("null body", "/v1/projects", "POST", "null", 400),
                new Case("a string body", "/v1/projects", "POST", "\"x\"", 400),
                new Case("empty body", "/v1/projects", "POST", "", 400),
                new Case("truncated", "/v1/projects", "POST", "{\"name\": \"x", 400),
                new Case("NUL in a name", "/v1/me", "PATCH", "{\"name\": \"a\\u0000b\"}", 400),
                new Case("NUL in params", "/v1/tasks", "POST", task("{\"p\": \"\\u0000\"}"), 400),
                new Case("NUL in a params key", "/v1/tasks", "POST", task("{\"p\\u0000\": 1}"), 400),
                new Case("NUL in settings", "/v1/projects", "POST", "{\"name\": \"x\", \"settings\": {\"a\": \"\\u0000\"}}", 400),
                new Case("lone surrogate", "/v1/projects", "POST", "{\"name\": \"\\ud800\"}", 400));
        for (Case c : cases) {
            Response answer = as(alice.token(), c.json()).request(c.method(), c.path());
            Problems.assertProblem(answer, c.status(), c.what());
        }
        byte[] notUtf8 = { '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };
        Problems.assertClientError(Api.given().auth().oauth2(alice.token()).contentType("application/json")
                .body(notUtf8).post("/v1/projects"), "invalid UTF-8");
        Problems.assertProblem(Api.given().auth().oauth2(alice.token()).contentType("text/plain").body("{\"name\": \"x\"}")
                .post("/v1/projects"), 415, "unsupported_media_type", "text/plain body");
    }

    @Test
    void numbersOutOfRangeNanAndNegativeAmountsAre4xx() {
        String grant = "{\"user_id\": \"" + alice.user() + "\", \"reason\": \"r\", \"idempotency_key\": \"k-%s\", \"amount\": %s}";
        record Case(String what, String token, String method, String path, String json, int status) {
        }
        String w = alice.workerToken();
        List<Case> cases = new ArrayList<>(List.of(
                new Case("params 1e309", alice.token(), "POST", "/v1/tasks", task("{\"x\": 1e309}"), 400),
                new Case("params -1e309", alice.token(), "POST", "/v1/tasks", task("{\"x\": [-1e309]}"), 400),
                new Case("params 1e-400", alice.token(), "POST", "/v1/tasks", task("{\"x\": 1e-400}"), 400),
                new Case("settings 1e309", alice.token(), "PATCH", "/v1/me", "{\"settings\": {\"x\": 1e309}}", 400),
                new Case("project settings 1e309", alice.token(), "POST", "/v1/projects",
                        "{\"name\": \"n\", \"settings\": {\"x\": 1e309}}", 400),
                new Case("metadata 1e309", alice.token(), "POST", "/v1/projects/" + alice.project() + "/generations",
                        "{\"type\": \"image\", \"url\": \"https://cdn.example.com/a.png\", \"metadata\": {\"x\": 1e309}}", 400),
                new Case("resource metadata 1e-400", alice.token(), "POST", "/v1/resources",
                        "{\"type\": \"lora\", \"name\": \"n\", \"url\": \"https://cdn.example.com/a\", \"metadata\": {\"x\": 1e-400}}", 400),
                new Case("result_data 1e309", w, "POST", "/v1/workers/tasks/" + alice.claimedTask() + "/complete",
                        "{\"lease_token\": \"" + alice.lease() + "\", \"output_location\": \"https://cdn.example.com/o.png\","
                                + " \"result_data\": {\"x\": 1e309}}", 400),
                new Case("estimate params 1e309", alice.token(), "POST", "/v1/task-costs/estimate",
                        "{\"task_type\": \"single_image\", \"params\": {\"frame_count\": 1e309}}", 400),
                new Case("estimate duration NaN", alice.token(), "POST", "/v1/task-costs/estimate",
                        "{\"task_type\": \"single_image\", \"params\": {}, \"duration_seconds\": NaN}", 400),
                new Case("estimate duration 1e309", alice.token(), "POST", "/v1/task-costs/estimate",
                        "{\"task_type\": \"single_image\", \"params\": {}, \"duration_seconds\": 1e309}", 400),
                new Case("estimate duration 1e-10000000", alice.token(), "POST", "/v1/task-costs/estimate",
                        "{\"task_type\": \"single_image\", \"params\": {}, \"duration_seconds\": 1e-10000000}", 400),
                new Case("estimate duration, 101-character fraction", alice.token(), "POST", "/v1/task-costs/estimate",
                        "{\"task_type\": \"single_image\", \"params\": {}, \"duration_seconds\": 0." + "1".repeat(99) + "}",
                        400),
                new Case("estimate duration negative", alice.token(), "POST", "/v1/task-costs/estimate",
                        "{\"task_type\": \"single_image\", \"params\": {}, \"duration_seconds\": -1}", 400),
                new Case("upload size negative", alice.token(), "POST", "/v1/storage/uploads",
                        "{\"bucket\": \"public\", \"content_type\": \"image/png\", \"size_bytes\": -1}", 400),
                new Case("upload size 1e309", alice.token(), "POST", "/v1/storage/uploads",
                        "{\"bucket\": \"public\", \"content_type\": \"image/png\", \"size_bytes\": 1e309}", 400),
                new Case("upload size 2^63", alice.token(), "POST", "/v1/storage/uploads",
                        "{\"bucket\": \"public\", \"content_type\": \"image/png\", \"size_bytes\": 9223372036854775808}", 400),
                new Case("upload size 1.5", alice.token(), "POST", "/v1/storage/uploads",
                        "{\"bucket\": \"public\", \"content_type\": \"image/png\", \"size_bytes\": 1.5}", 400),
                new Case("upload size as a string", alice.token(), "POST", "/v1/storage/uploads",
                        "{\"bucket\": \"public\", \"content_type\": \"image/png\", \"size_bytes\": \"10\"}", 400),
                new Case("segment negative start", alice.token(), "POST", "/v1/training-data/videos/" + alice.video()
                        + "/segments", "{\"start_time\": -1, \"end_time\": 2}", 400),
                new Case("segment end before start", alice.token(), "POST", "/v1/training-data/videos/" + alice.video()
                        + "/segments", "{\"start_time\": 5, \"end_time\": 2}", 400),
                new Case("segment NaN", alice.token(), "POST", "/v1/training-data/videos/" + alice.video()
                        + "/segments", "{\"start_time\": NaN, \"end_time\": 2}", 400),
                new Case("segment 1e309", alice.token(), "POST", "/v1/training-data/videos/" + alice.video()
                        + "/segments", "{\"start_time\": 0, \"end_time\": 1e309}", 400),
                new Case("position 2^31", alice.token(), "PATCH", "/v1/shots/" + alice.shot() + "/generations/"
                        + alice.link(), "{\"position\": 2147483648}", 400),
                new Case("position 1.5", alice.token(), "PATCH", "/v1/shots/" + alice.shot() + "/generations/"
                        + alice.link(), "{\"position\": 1.5}", 400),
                new Case("claim limit 0", w, "POST", "/v1/workers/claim", "{\"worker_id\": \"n\", \"limit\": 0}", 400),
                new Case("claim limit 51", w, "POST", "/v1/workers/claim", "{\"worker_id\": \"n\", \"limit\": 51}", 400),
                new Case("claim wait 31", w, "POST", "/v1/workers/claim", "{\"worker_id\": \"n\", \"wait_seconds\": 31}", 400),
                new Case("claim wait -1", w, "POST", "/v1/workers/claim", "{\"worker_id\": \"n\", \"wait_seconds\": -1}", 400),
                new Case("claim max wait NaN", w, "POST", "/v1/workers/claim",
                        "{\"worker_id\": \"n\", \"max_task_wait_minutes\": NaN}", 400),
                new Case("claim max wait -1", w, "POST", "/v1/workers/claim",
                        "{\"worker_id\": \"n\", \"max_task_wait_minutes\": -1}", 400),
                new Case("claim max wait 1e309", w, "POST", "/v1/workers/claim",
                        "{\"worker_id\": \"n\", \"max_task_wait_minutes\": 1e309}", 400),
                new Case("claim max wait 1e-10000000", w, "POST", "/v1/workers/claim",
                        "{\"worker_id\": \"n\", \"max_task_wait_minutes\": 1e-10000000}", 400),
                new Case("heartbeat vram 1e20", w, "POST", "/v1/workers/heartbeat",
                        "{\"worker_id\": \"n\", \"vram_total_mb\": 100000000000000000000}", 400),
                new Case("token expiry negative", alice.token(), "POST", "/v1/me/tokens",
                        "{\"name\": \"t\", \"expires_in_days\": -1}", 400),
                new Case("token expiry huge", alice.token(), "POST", "/v1/me/tokens",
                        "{\"name\": \"t\", \"expires_in_days\": 100000000}", 400),
                new Case("cost 1e309", admin, "PUT", "/v1/admin/task-costs/abuse_probe",
                        "{\"billing_type\": \"per_unit\", \"unit_cost\": 1e309, \"run_type\": \"gpu\", \"is_active\": false}", 400),
                new Case("cost negative", admin, "PUT", "/v1/admin/task-costs/abuse_probe",
                        "{\"billing_type\": \"per_unit\", \"unit_cost\": -1, \"run_type\": \"gpu\", \"is_active\": false}", 400),
                new Case("refund of more than nothing", admin, "POST", "/v1/admin/credits/refunds",
                        "{\"ledger_entry_id\": \"" + alice.ledgerEntry() + "\", \"reason\": \"r\", \"amount\": -5}", 400)));
        int n = 0;
        for (String amount : List.of("NaN", "\"NaN\"", "1e309", "-1e309", "0", "-0.000", "0.0001", "10000000.001",
                "-10000000.001", "\"12\"", "true", "null", "1e-10000000", "1e10000000", "1e-101")) {
            cases.add(new Case("grant amount " + amount, admin, "POST", "/v1/admin/credits/grants",
                    String.format(grant, n++, amount), 400));
        }
        cases.add(new Case("grant taking the balance below zero", admin, "POST", "/v1/admin/credits/grants",
                String.format(grant, n++, "-1000"), 422));
        for (Case c : cases) {
            Problems.assertProblem(as(c.token(), c.json()).request(c.method(), c.path()), c.status(), c.what());
        }
        Api.as(alice.token()).get("/v1/credits/balance").then().statusCode(200)
                .body("total_credits", org.hamcrest.Matchers.comparesEqualTo(new BigDecimal("50")));
    }

    @Test
    void invalidEnumsUuidsAndDatesAre400AndMalformedPathIdsAre404() {
        String t = alice.token();
        String w = alice.workerToken();
        record Case(String what, String token, String method, String path, String json, int status) {
        }
        List<Case> cases = List.of(
                new Case("task status filter", t, "GET", "/v1/tasks?status=Bogus", null, 400),
                new Case("task status filter, SQL", t, "GET", "/v1/tasks?status=Queued'--", null, 400),
                new Case("task type unknown", t, "POST", "/v1/tasks", "{\"project_id\": \"" + alice.project()
                        + "\", \"task_type\": \"mine_bitcoin\", \"params\": {}}", 400),
                new Case("generation type", t, "POST", "/v1/projects/" + alice.project() + "/generations",
                        "{\"type\": \"gif\", \"url\": \"https://cdn.example.com/a.gif\"}", 400),
                new Case("generation type filter", t, "GET", "/v1/projects/" + alice.project() + "/generations?type=gif",
                        null, 400),
                new Case("starred filter", t, "GET", "/v1/projects/" + alice.project() + "/generations?starred=maybe", null, 400),
                new Case("positioned filter", t, "GET", "/v1/shots/" + alice.shot() + "/generations?positioned=2", null, 400),
                new Case("resource scope", t, "GET", "/v1/resources?scope=everyone", null, 400),
                new Case("claim run type", w, "POST", "/v1/workers/claim", "{\"worker_id\": \"n\", \"run_type\": \"tpu\"}", 400),
                new Case("heartbeat status", w, "POST", "/v1/workers/heartbeat",
                        "{\"worker_id\": \"n\", \"status\": \"exploded\"}", 400),
                new Case("billing type", admin, "PUT", "/v1/admin/task-costs/abuse_probe",
                        "{\"billing_type\": \"free\", \"unit_cost\": 1, \"run_type\": \"gpu\", \"is_active\": false}", 400),
                new Case("admin workers status", admin, "GET", "/v1/admin/workers?status=zombie", null, 400),
                new Case("bucket", t, "POST", "/v1/storage/uploads",
                        "{\"bucket\": \"../training-data\", \"content_type\": \"image/png\", \"size_bytes\": 1}", 400),
                new Case("content type not allowed", t, "POST", "/v1/storage/uploads",
                        "{\"bucket\": \"public\", \"content_type\": \"text/html\", \"size_bytes\": 1}", 400),
                new Case("project id not a UUID", t, "POST", "/v1/tasks",
                        "{\"project_id\": \"not-a-uuid\", \"task_type\": \"single_image\", \"params\": {}}", 400),
                new Case("project id a number", t, "POST", "/v1/tasks",
                        "{\"project_id\": 12, \"task_type\": \"single_image\", \"params\": {}}", 400),
                new Case("dependency not a UUID", t, "POST", "/v1/tasks", "{\"project_id\": \"" + alice.project()
                        + "\", \"task_type\": \"single_image\", \"params\": {}, \"dependant_on\": [\"x\"]}", 400),
                new Case("generation id not a UUID", t, "POST", "/v1/shots/" + alice.shot() + "/generations",
                        "{\"generation_id\": \"' OR 1=1 --\"}", 400),
                new Case("project filter not a UUID", t, "GET", "/v1/tasks?project_id=abc", null, 400),
                new Case("shot filter not a UUID", t, "GET", "/v1/projects/" + alice.project() + "/generations?shot_id=abc",
                        null, 400),
                new Case("task path id not a UUID", t, "GET", "/v1/tasks/not-a-uuid", null, 404),
                new Case("project path id not a UUID", t, "DELETE", "/v1/projects/1%20OR%201=1", null, 404),
                new Case("object path id not a UUID", t, "GET", "/v1/storage/objects/..%2F..", null, 404),
                new Case("lease token not a UUID", w, "POST", "/v1/workers/tasks/" + alice.claimedTask() + "/start",
                        "{\"lease_token\": \"x\"}", 400));
        for (Case c : cases) {
            RequestSpecification request = Api.given().urlEncodingEnabled(false).auth().oauth2(c.token());
            if (c.json() != null) {
                request.contentType("application/json").body(c.json());
            }
            Problems.assertProblem(request.request(c.method(), c.path()), c.status(), c.what());
        }
        // Cursors are opaque, but a forged one is only ever a 400, whatever date it carries.
        List<String> cursors = new ArrayList<>(List.of("garbage", "%00", "a".repeat(300), "Zm9v"));
        for (String date : List.of("2026-13-45T99:99:99Z", "+300000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z",
                "-999999999-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z", "infinity", "1970-01-01T00:00:00Z'--")) {
            cursors.add(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((date + "|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)));
        }
        int checked = 0;
        for (Route route : OpenApiRoutes.all()) {
            if (route.isInternal() || !route.method().equals("GET") || !route.queryParams().contains("cursor")) {
                continue;
            }
            String path = RouteFixtures.path(route, alice).orElseGet(() -> RouteFixtures.randomPath(route));
            String token = route.roles().contains("user") ? t : admin;
            for (String cursor : cursors) {
                Problems.assertProblem(Api.given().urlEncodingEnabled(false).auth().oauth2(token)
                        .get(path + "?cursor=" + cursor), 400, "invalid_cursor", route.key() + " cursor " + cursor);
            }
            for (String limit : List.of("0", "201", "-1", "abc", "1e309", "1.5", "99999999999999999999", "%00")) {
                Problems.assertProblem(Api.given().urlEncodingEnabled(false).auth().oauth2(token)
                        .get(path + "?limit=" + limit), 400, route.key() + " limit " + limit);
            }
            checked++;
        }
        assertThat(checked).as("list routes").isGreaterThanOrEqualTo(10);
        // Dates of internal calls (service to service): a date PostgreSQL cannot hold is a 400 too.
        String credits = SystemUnderTest.shared().service("credits").url();
        for (String date : List.of("2026-13-45T25:61:61Z", "+300000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z", "\"\"")) {
            String body = "{\"task_id\": \"" + UUID.randomUUID() + "\", \"user_id\": \"" + alice.user()
                    + "\", \"task_type\": \"single_image\", \"params\": {}, \"started_at\": \"" + date
                    + "\", \"processed_at\": \"2026-01-01T00:00:05Z\"}";
            Problems.assertClientError(Api.given().baseUri(credits).auth().oauth2(Tokens.service())
                    .contentType("application/json").body(body).post("/internal/v1/charges"), "charge started " + date);
        }
    }

    @Test
    void sqlMetacharactersInEveryQueryParameterAreJustValues() throws Exception {
        Map<String, String> before = alice.snapshot();
        List<String> payloads = List.of("' OR '1'='1", "'; DROP TABLE tasks; --", "\\", "%", "_", "$1", "\"", ") OR (1=1",
                "1; SELECT pg_sleep(5)", "$$", "--", "/*", "\u0000", "é✓", "' UNION SELECT token_hash FROM personal_access_tokens --");
        int probes = 0;
        for (Route route : OpenApiRoutes.all()) {
            if (route.isInternal() || route.isPublic() || !route.method().equals("GET")) {
                continue;
            }
            String path = RouteFixtures.path(route, alice).orElseGet(() -> RouteFixtures.randomPath(route));
            String token = route.roles().contains("user") ? alice.token()
                    : route.roles().contains("worker") ? alice.workerToken() : admin;
            for (String parameter : route.queryParams()) {
                if (parameter.equals("access_token")) {
                    continue;
                }
                for (String payload : payloads) {
                    Instant started = Instant.now();
                    Response answer = Api.given().auth().oauth2(token).queryParam(parameter, payload).get(path);
                    String what = route.key() + " ?" + parameter + "=" + payload;
                    assertThat(Duration.between(started, Instant.now())).as(what + " ran no injected sleep")
                            .isLessThan(Duration.ofSeconds(4));
                    if (answer.statusCode() != 200) {
                        assertThat(answer.statusCode()).as(what + ": " + answer.asString()).isIn(400, 404, 406);
                        Problems.assertProblem(answer, answer.statusCode(), what);
                    }
                    probes++;
                }
            }
        }
        System.out.printf("SQL metacharacters: %d parameter × payload probes%n", probes);
        assertThat(probes).as("parameter × payload probes").isGreaterThan(200);
        try (SqlSession sql = SqlSession.as("postgres")) {
            for (String table : List.of("tasks", "users", "projects", "credits_ledger", "storage_objects",
                    "personal_access_tokens", "generations")) {
                assertThat(sql.count("SELECT count(*) FROM " + table)).as(table + " is still there").isPositive();
            }
        }
        assertThat(alice.snapshot()).isEqualTo(before);
    }
}
