package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import io.restassured.response.Response;

/**
 * The deployed fleet's calls as these tests make them: the token as {@code Authorization} and as
 * {@code apikey}, the heartbeat RPC with {@code Prefer: return=representation} (../shared/REAL-WORKER-PROTOCOL.md).
 */
final class Fleet {
    private Fleet() {
    }

    static Response call(String token, String function, Map<String, ?> body) {
        return Api.as(token).header("apikey", token).body(body).post("/functions/v1/" + function);
    }

    static Response beat(String token, String workerId, String status) {
        Map<String, Object> body = new HashMap<>();
        body.put("worker_id_param", workerId);
        body.put("vram_total_mb_param", 24576);
        body.put("vram_used_mb_param", 18000);
        body.put("logs_param", List.of(Map.of("timestamp", "2026-04-01T10:00:00+00:00", "level", "INFO",
                "message", "generating", "task_id", UUID.randomUUID().toString(), "metadata", Map.of())));
        body.put("status_param", status);
        return Api.as(token).header("apikey", token).header("Prefer", "return=representation").body(body)
                .post("/rest/v1/rpc/func_worker_heartbeat_with_logs");
    }

    /** Claims one task for {@code workerId}; fails the test unless one is handed out. */
    static UUID claim(String token, String workerId) {
        Response answer = call(token, "claim-next-task", Map.of("worker_id", workerId, "run_type", "gpu",
                "same_model_only", true, "max_task_wait_minutes", 5));
        assertThat(answer.statusCode()).as("claim-next-task: " + answer.asString()).isEqualTo(200);
        return UUID.fromString(answer.path("task_id"));
    }

    static Response status(String token, Map<String, ?> body) {
        return call(token, "update-task-status", body);
    }

    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    /** Everything about a task a write could change, to show that one wrote nothing. */
    static String snapshot(UUID taskId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.query("SELECT status, worker_id, lease_token, lease_expires_at, attempts, output_location,"
                    + " error_message, generation_started_at, generation_processed_at, result_data::text, completion_hash,"
                    + " awaiting_children_since, updated_at FROM tasks WHERE id = ?", taskId).toString()
                    + sql.query("SELECT kind FROM task_outbox WHERE task_id = ? ORDER BY kind", taskId);
        }
    }

    static Object column(UUID taskId, String column) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.value("SELECT " + column + " FROM tasks WHERE id = ?", taskId);
        }
    }

    static long count(String query, Object... args) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.count(query, args);
        }
    }
}
