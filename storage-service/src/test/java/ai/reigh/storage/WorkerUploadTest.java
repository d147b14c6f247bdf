package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code POST /v1/workers/uploads} in this module: tasks-service (which answers the lease check) is not
 * running here, so the flow end to end is in system-tests' WorkerUploadSystemTest. What this module can
 * show: who may call, the checks made before asking tasks-service, and a 503 (never a hang or a 500) when
 * tasks-service cannot be reached.
 */
@QuarkusTest
class WorkerUploadTest {

    private static Map<String, Object> request() {
        Map<String, Object> body = new HashMap<>();
        body.put("task_id", UUID.randomUUID().toString());
        body.put("lease_token", UUID.randomUUID().toString());
        body.put("filename", "output.png");
        body.put("content_type", "image/png");
        body.put("size_bytes", 1000);
        return body;
    }

    @Test
    void anUnreachableTasksServiceIsARetryable503() {
        long started = System.nanoTime();
        Api.as(Tokens.worker()).body(request()).post("/v1/workers/uploads").then().statusCode(503)
                .contentType("application/problem+json").body("code", equalTo("service_unavailable"))
                .header("Retry-After", "2");
        assertThat((System.nanoTime() - started) / 1_000_000).as("bounded by timeouts and retries").isLessThan(15_000);
    }

    @Test
    void onlyWorkersMayAsk() {
        Api.as(User.create().token()).body(request()).post("/v1/workers/uploads").then().statusCode(403);
        Api.as(Tokens.service()).body(request()).post("/v1/workers/uploads").then().statusCode(403);
        Api.given().contentType("application/json").body(request()).post("/v1/workers/uploads").then().statusCode(401);
    }

    @Test
    void theRequestIsCheckedBeforeTasksServiceIsAsked() {
        String worker = Tokens.worker();
        Map<String, Object> noLease = request();
        noLease.remove("lease_token");
        Api.as(worker).body(noLease).post("/v1/workers/uploads").then().statusCode(400)
                .body("errors[0].field", equalTo("lease_token"));
        Map<String, Object> html = request();
        html.put("content_type", "text/html");
        Api.as(worker).body(html).post("/v1/workers/uploads").then().statusCode(400)
                .body("errors[0].field", equalTo("content_type"));
        Map<String, Object> huge = request();
        huge.put("size_bytes", 300L * 1024 * 1024);
        Api.as(worker).body(huge).post("/v1/workers/uploads").then().statusCode(413)
                .body("code", equalTo("payload_too_large"));
        Map<String, Object> extra = request();
        extra.put("bucket", "training-data");
        Api.as(worker).body(extra).post("/v1/workers/uploads").then().statusCode(400)
                .body("code", equalTo("unknown_field"));
    }
}
