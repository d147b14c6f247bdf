package ai.reigh.storage;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;

/** Bad input is a 4xx problem with a stable code, never a 500, and nothing is recorded. */
@QuarkusTest
class ValidationTest {

    private static io.restassured.response.ValidatableResponse presign(String token, Object body) {
        return Api.as(token).body(body).post("/v1/storage/uploads").then().contentType("application/problem+json");
    }

    @Test
    void uploadRequestsAreCheckedAgainstTheBucket() {
        User user = User.create();
        presign(user.token(), Map.of("bucket", "nope", "content_type", "image/png", "size_bytes", 10)).statusCode(400)
                .body("code", equalTo("validation_failed")).body("errors[0].field", equalTo("bucket"));
        presign(user.token(), Map.of("bucket", "training-data", "content_type", "image/png", "size_bytes", 10))
                .statusCode(400).body("errors[0].field", equalTo("content_type"));
        presign(user.token(), Map.of("bucket", "public", "content_type", "text/html", "size_bytes", 10))
                .statusCode(400).body("errors[0].field", equalTo("content_type"));
        presign(user.token(), Map.of("bucket", "public", "content_type", "image/svg+xml", "size_bytes", 10))
                .statusCode(400).body("errors[0].field", equalTo("content_type"));
        presign(user.token(), Map.of("bucket", "public", "content_type", "not a type", "size_bytes", 10))
                .statusCode(400).body("errors[0].field", equalTo("content_type"));
        presign(user.token(), Map.of("bucket", "lora_files", "content_type", "application/x-safetensors",
                "size_bytes", 65_537)).statusCode(413).body("code", equalTo("payload_too_large"));
        presign(user.token(), Map.of("bucket", "public", "content_type", "image/png", "size_bytes", Long.MAX_VALUE))
                .statusCode(413).body("code", equalTo("payload_too_large"));
        presign(user.token(), Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 0)).statusCode(400)
                .body("errors[0].field", equalTo("size_bytes"));
        presign(user.token(), Map.of("bucket", "public", "content_type", "image/png", "size_bytes", -5)).statusCode(400)
                .body("errors[0].field", equalTo("size_bytes"));
        org.assertj.core.api.Assertions.assertThat(Fixtures.rowsOf(user.id())).as("nothing recorded").isZero();
    }

    @Test
    void malformedBodiesAreRefusedWithTheirCodes() {
        String token = User.create().token();
        presign(token, Map.of("bucket", "public", "content_type", "image/png", "size_bytes", "10")).statusCode(400)
                .body("code", equalTo("validation_failed")).body("errors[0].field", equalTo("size_bytes"));
        presign(token, Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 10.5)).statusCode(400)
                .body("errors[0].field", equalTo("size_bytes"));
        presign(token, Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 10,
                "owner_id", UUID.randomUUID().toString())).statusCode(400).body("code", equalTo("unknown_field"))
                .body("errors[0].field", equalTo("owner_id"));
        presign(token, Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 10, "key", "x/y"))
                .statusCode(400).body("code", equalTo("unknown_field"));
        presign(token, Map.of("content_type", "image/png")).statusCode(400)
                .body("errors.field", hasItem("bucket")).body("errors.field", hasItem("size_bytes"));
        presign(token, "{\"bucket\": ").statusCode(400).body("code", equalTo("malformed_json"));
        presign(token, Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 10, "filename",
                "x".repeat(1025))).statusCode(400).body("errors[0].field", equalTo("filename"));
        Api.as(token).body("{\"bucket\":\"public\",\"content_type\":\"image/png\",\"size_bytes\":10,\"filename\":\""
                + "x".repeat(70_000) + "\"}").post("/v1/storage/uploads").then().statusCode(413)
                .contentType("application/problem+json").body("code", equalTo("payload_too_large"));
    }

    @Test
    void callersNeedTheRightTokenAndRole() {
        Map<String, Object> body = Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 10);
        Api.given().contentType("application/json").body(body).post("/v1/storage/uploads").then().statusCode(401)
                .body("code", equalTo("unauthorized"));
        Api.as(Tokens.builder().ttl(java.time.Duration.ofMinutes(-5)).sign()).body(body).post("/v1/storage/uploads")
                .then().statusCode(401);
        presign(Tokens.worker(), body).statusCode(403).body("code", equalTo("forbidden"));
        presign(Tokens.service(), body).statusCode(403);
        Api.as(User.create().token()).body(Map.of("object_ids", java.util.List.of(UUID.randomUUID().toString())))
                .post("/internal/v1/storage/objects/deletions").then().statusCode(403);
    }

    @Test
    void listParametersAndIdsAreChecked() {
        String token = User.create().token();
        Api.as(token).get("/v1/storage/objects?limit=0").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        Api.as(token).get("/v1/storage/objects?limit=201").then().statusCode(400);
        Api.as(token).get("/v1/storage/objects?limit=abc").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        Api.as(token).get("/v1/storage/objects?cursor=garbage").then().statusCode(400)
                .body("code", equalTo("invalid_cursor"));
        Api.as(token).get("/v1/storage/objects?bucket=nope").then().statusCode(400).body("errors[0].field", equalTo("bucket"));
        Api.as(token).get("/v1/storage/objects/not-a-uuid").then().statusCode(404)
                .contentType("application/problem+json");
        Api.as(token).post("/v1/storage/objects/not-a-uuid/confirm").then().statusCode(404);
    }
}
