package ai.reigh.credits;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.restassured.response.Response;

/** Task types made for one test (unique names, so tests never share a config). */
final class TaskCosts {
    private TaskCosts() {
    }

    static String newType() {
        return "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** A new type with this body (201). */
    static String create(Map<String, Object> body) {
        String type = newType();
        put(type, body).then().statusCode(201);
        return type;
    }

    static Response put(String type, Object body) {
        return putAs(Tokens.admin(Fixtures.ADMIN), type, body);
    }

    static Response putAs(String token, String type, Object body) {
        return Api.as(token).body(body).put("/v1/admin/task-costs/" + type);
    }

    /** When a version took effect (task_cost_config_versions.valid_from). */
    static Instant validFrom(String type, int version) {
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            Timestamp validFrom = (Timestamp) credits.value(
                    "SELECT valid_from FROM task_cost_config_versions WHERE task_type = ? AND version = ?", type, version);
            return validFrom.toInstant();
        }
    }

    static long versions(String type) {
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            return credits.count("SELECT count(*) FROM task_cost_config_versions WHERE task_type = ?", type);
        }
    }
}
