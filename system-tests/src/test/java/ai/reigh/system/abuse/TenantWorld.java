package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.restassured.path.json.JsonPath;

/**
 * One user with one of everything the platform keeps for a user, created through the gateway: a
 * project with a shot, a generation linked to the shot, a private and a public resource, a training
 * batch with a video (a ready object in the private bucket) and a segment, a personal access token,
 * credits, and two tasks held by the user's local worker (one lease known). The abuse tests point a
 * second user at these ids.
 */
public record TenantWorld(UUID user, String token, String workerToken, String project, String shot,
        String generation, String link, String resource, String publicResource, String batch, String object,
        String video, String segment, String accessToken, String task, String claimedTask, String lease,
        String ledgerEntry) {

    public static TenantWorld create(String label) {
        UUID user = UUID.randomUUID();
        String token = Tokens.user(user);
        Api.as(token).get("/v1/me").then().statusCode(200);
        String ledgerEntry = Api.as(Tokens.admin(UUID.randomUUID()))
                .body(Map.of("user_id", user.toString(), "amount", new BigDecimal("50"), "reason", "abuse fixtures",
                        "idempotency_key", "abuse-" + user))
                .post("/v1/admin/credits/grants").then().statusCode(201).extract().path("id");
        String project = created(token, "/v1/projects", Map.of("name", label + " project"));
        String shot = created(token, "/v1/projects/" + project + "/shots", Map.of("name", label + " shot"));
        String generation = created(token, "/v1/projects/" + project + "/generations",
                Map.of("type", "image", "url", "https://cdn.example.com/" + label + ".png"));
        String link = created(token, "/v1/shots/" + shot + "/generations", Map.of("generation_id", generation,
                "position", 0));
        String resource = created(token, "/v1/resources", Map.of("type", "lora", "name", label + " lora",
                "url", "https://cdn.example.com/" + label + ".safetensors"));
        String publicResource = created(token, "/v1/resources", Map.of("type", "lora", "name", label + " public lora",
                "url", "https://cdn.example.com/" + label + "-public.safetensors", "is_public", true));
        String batch = created(token, "/v1/training-data/batches", Map.of("name", label + " batch"));
        String object = Api.given().auth().oauth2(token).contentType("video/mp4").body(new byte[] { 0, 0, 0, 24, 'f', 't' })
                .queryParam("filename", "clip.mp4").post("/v1/storage/buckets/training-data/objects").then()
                .statusCode(201).extract().path("id");
        String video = created(token, "/v1/training-data/batches/" + batch + "/videos",
                Map.of("object_id", object, "filename", "clip.mp4"));
        String segment = created(token, "/v1/training-data/videos/" + video + "/segments",
                Map.of("start_time", 0, "end_time", 1));
        String accessToken = created(token, "/v1/me/tokens", Map.of("name", label + " token"));
        String first = created(token, "/v1/tasks", Map.of("project_id", project, "task_type", "single_image",
                "params", Map.of("prompt", label + " one")));
        String second = created(token, "/v1/tasks", Map.of("project_id", project, "task_type", "single_image",
                "params", Map.of("prompt", label + " two")));
        String workerToken = Tokens.localWorker(user);
        JsonPath claim = Api.as(workerToken).body(Map.of("worker_id", "abuse-" + user, "limit", 2, "wait_seconds", 10))
                .post("/v1/workers/claim").then().statusCode(200).extract().jsonPath();
        List<String> claimed = claim.getList("tasks.id");
        assertThat(claimed).containsExactlyInAnyOrder(first, second);
        int held = claimed.indexOf(second);
        String lease = claim.getString("tasks[" + held + "].lease_token");
        return new TenantWorld(user, token, workerToken, project, shot, generation, link, resource, publicResource,
                batch, object, video, segment, accessToken, first, second, lease, ledgerEntry);
    }

    private static String created(String token, String path, Map<String, ?> body) {
        return Api.as(token).body(body).post(path).then().statusCode(201).extract().path("id");
    }

    /** What this user can read of each resource now (to prove that nobody else changed or removed it). */
    public Map<String, String> snapshot() {
        Map<String, String> views = new LinkedHashMap<>();
        for (String path : List.of("/v1/me", "/v1/projects/" + project, "/v1/shots/" + shot,
                "/v1/generations/" + generation, "/v1/shots/" + shot + "/generations", "/v1/resources/" + resource,
                "/v1/resources/" + publicResource, "/v1/training-data/batches/" + batch,
                "/v1/training-data/batches/" + batch + "/videos", "/v1/training-data/videos/" + video + "/segments",
                "/v1/me/tokens", "/v1/storage/objects/" + object, "/v1/tasks/" + task, "/v1/tasks/" + claimedTask,
                "/v1/credits/balance", "/v1/credits/ledger", "/v1/projects/" + project + "/generations",
                "/v1/projects/" + project + "/shots")) {
            var answer = Api.as(token).get(path);
            assertThat(answer.statusCode()).as("owner reads " + path).isEqualTo(200);
            if (path.startsWith("/v1/tasks/")) {
                // Held tasks move on their own (leases expire and are taken back): compare what a user wrote.
                JsonPath task = answer.jsonPath();
                views.put(path, task.getString("project_id") + " " + task.getString("task_type") + " "
                        + task.getMap("params"));
            } else {
                // Presigned URLs carry a fresh signature on every read: compare everything else.
                views.put(path, answer.asString().replaceAll("X-Amz-[A-Za-z]+=[^&\"]*", "X-Amz=…"));
            }
        }
        return views;
    }
}
