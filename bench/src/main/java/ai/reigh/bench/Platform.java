package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The platform's worker protocol as a GPU worker speaks it: straight to tasks-service by default, as in
 * a deployment (the edge routes the workers' paths there), or through the gateway ({@link #viaGateway}).
 */
final class Platform {
    record Claimed(UUID id, UUID leaseToken) {
    }

    private final Http http;
    private final String origin;
    private final String workerToken;

    /** Workers calling tasks-service straight. */
    Platform(Context context) {
        this(context, context.options().tasksUrl());
    }

    private Platform(Context context, String origin) {
        this.http = context.http();
        this.origin = origin;
        this.workerToken = context.tokens().cloudWorker("bench-worker");
    }

    /** Workers calling through the gateway (the embedded setup's single origin; one hop more). */
    static Platform viaGateway(Context context) {
        return new Platform(context, context.options().gateway());
    }

    /** The output URL a bench worker reports for a task (the raw loop writes the same). */
    static String outputUrl(UUID taskId) {
        return "https://cdn.reigh-bench.example/t/" + taskId + ".png";
    }

    Future<List<Claimed>> claim(String workerId, String runType, int limit, int waitSeconds) {
        JsonObject body = new JsonObject().put("worker_id", workerId).put("run_type", runType).put("limit", limit)
                .put("wait_seconds", waitSeconds);
        return http.post(origin + "/v1/workers/claim", workerToken, body).map(answer -> {
            if (answer.status() == 204) {
                return List.of();
            }
            JsonArray tasks = Http.expect(answer, "claim", 200).json().getJsonArray("tasks");
            List<Claimed> claimed = new ArrayList<>(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                JsonObject task = tasks.getJsonObject(i);
                claimed.add(new Claimed(UUID.fromString(task.getString("id")),
                        UUID.fromString(task.getString("lease_token"))));
            }
            return claimed;
        });
    }

    Future<Void> complete(Claimed task) {
        JsonObject body = new JsonObject().put("lease_token", task.leaseToken().toString())
                .put("output_location", outputUrl(task.id()));
        return http.post(origin + "/v1/workers/tasks/" + task.id() + "/complete", workerToken, body)
                .map(answer -> {
                    Http.expect(answer, "complete", 200);
                    return null;
                });
    }

    /** The claimed tasks completed in one request ({@code POST /v1/workers/tasks/complete}); each must answer 200. */
    Future<Void> completeAll(List<Claimed> tasks) {
        JsonArray completions = new JsonArray();
        for (Claimed task : tasks) {
            completions.add(new JsonObject().put("task_id", task.id().toString())
                    .put("lease_token", task.leaseToken().toString())
                    .put("output_location", outputUrl(task.id())));
        }
        return http.post(origin + "/v1/workers/tasks/complete", workerToken, new JsonObject().put("completions", completions))
                .map(answer -> {
                    JsonArray results = Http.expect(answer, "complete batch", 200).json().getJsonArray("results");
                    for (int i = 0; i < results.size(); i++) {
                        if (results.getJsonObject(i).getInteger("status") != 200) {
                            throw new IllegalStateException("complete batch: " + results.getJsonObject(i).encode());
                        }
                    }
                    return null;
                });
    }

    /**
     * One step of a closed-loop worker: claims up to {@code limit} tasks and completes them one by one;
     * how many it completed, or -1 when the queue was empty (the loop then stops).
     */
    Future<Integer> claimAndComplete(String workerId, int limit) {
        return claimAndComplete(workerId, limit, false);
    }

    /** The same; {@code batched}: the claimed tasks completed in one request. */
    Future<Integer> claimAndComplete(String workerId, int limit, boolean batched) {
        return claim(workerId, "gpu", limit, 0).compose(tasks -> {
            if (tasks.isEmpty()) {
                return Future.succeededFuture(-1);
            }
            if (batched) {
                return completeAll(tasks).map(tasks.size());
            }
            Future<Void> chain = Future.succeededFuture();
            for (Claimed task : tasks) {
                chain = chain.compose(v -> complete(task));
            }
            return chain.map(tasks.size());
        });
    }

    Future<Http.Answer> heartbeat(String workerId) {
        JsonObject body = new JsonObject().put("worker_id", workerId).put("status", "active")
                .put("current_model", "bench-model").put("task_ids", new JsonArray());
        return http.post(origin + "/v1/workers/heartbeat", workerToken, body);
    }
}
