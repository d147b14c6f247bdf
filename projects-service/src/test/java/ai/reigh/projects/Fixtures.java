package ai.reigh.projects;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.restassured.response.Response;

/** Users and rows made through the API, as a client would make them. */
final class Fixtures {
    private Fixtures() {
    }

    record User(UUID id, String token) {
    }

    static User user() {
        UUID id = UUID.randomUUID();
        return new User(id, Tokens.user(id));
    }

    static String project(User user) {
        return project(user, "Project " + UUID.randomUUID());
    }

    static String project(User user, String name) {
        return Api.as(user.token()).body(Map.of("name", name)).post("/v1/projects")
                .then().statusCode(201).extract().path("id");
    }

    static String shot(User user, String projectId, String name) {
        return Api.as(user.token()).body(Map.of("name", name)).post("/v1/projects/" + projectId + "/shots")
                .then().statusCode(201).extract().path("id");
    }

    static String generation(User user, String projectId, String type) {
        return Api.as(user.token())
                .body(Map.of("type", type, "url", "https://cdn.example.test/" + UUID.randomUUID() + ".png"))
                .post("/v1/projects/" + projectId + "/generations").then().statusCode(201).extract().path("id");
    }

    static Response link(User user, String shotId, String generationId, Integer position) {
        Map<String, Object> body = new HashMap<>();
        body.put("generation_id", generationId);
        body.put("position", position);
        return Api.as(user.token()).body(body).post("/v1/shots/" + shotId + "/generations");
    }

    static String linkId(User user, String shotId, String generationId, Integer position) {
        return link(user, shotId, generationId, position).then().statusCode(201).extract().path("id");
    }

    static String resource(User user, boolean isPublic) {
        return Api.as(user.token())
                .body(Map.of("type", "lora", "name", "LoRA " + UUID.randomUUID(), "url",
                        "https://models.example.test/" + UUID.randomUUID() + ".safetensors", "is_public", isPublic))
                .post("/v1/resources").then().statusCode(201).extract().path("id");
    }

    static String batch(User user) {
        return Api.as(user.token()).body(Map.of("name", "Batch " + UUID.randomUUID())).post("/v1/training-data/batches")
                .then().statusCode(201).extract().path("id");
    }

    /** A service's view of a completed task's output, for {@code POST /internal/v1/generations}. */
    static Map<String, Object> taskGeneration(UUID taskId, String projectId) {
        Map<String, Object> body = new HashMap<>();
        body.put("task_id", taskId.toString());
        body.put("project_id", projectId);
        body.put("type", "image");
        body.put("url", "https://cdn.example.test/tasks/" + taskId + ".png");
        body.put("metadata", Map.of("prompt", "a cat", "seed", 7));
        return body;
    }
}
