package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.Fixtures.User;
import ai.reigh.storage.client.ObjectStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** What projects-service and tasks-service call (role service). */
@QuarkusTest
class InternalApiTest {
    @Inject
    ObjectStore store;

    @Test
    void anyOwnersObjectIsReadableByServicesOnly() {
        User user = User.create();
        JsonPath object = Fixtures.readyObject(user, "training-data", "video/mp4", Fixtures.bytes(100, 110));
        String id = object.getString("id");
        Api.as(Tokens.service()).get("/internal/v1/storage/objects/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("owner_id", equalTo(user.id().toString()))
                .body("bucket", equalTo("training-data")).body("status", equalTo("ready"))
                .body("size_bytes", equalTo(100)).body("content_type", equalTo("video/mp4"));
        Api.as(Tokens.service()).get("/internal/v1/storage/objects/" + UUID.randomUUID()).then().statusCode(404)
                .body("code", equalTo("not_found"));
        Api.as(user.token()).get("/internal/v1/storage/objects/" + id).then().statusCode(403);
        Api.as(Tokens.worker()).get("/internal/v1/storage/objects/" + id).then().statusCode(403);
        Api.given().get("/internal/v1/storage/objects/" + id).then().statusCode(401);
    }

    @Test
    void aTaskOutputIsConfirmedForItsTaskOnlyAfterItsBytesAreThere() {
        User user = User.create();
        UUID task = UUID.randomUUID();
        byte[] png = Fixtures.bytes(777, 111);
        Fixtures.TaskOutput output = Fixtures.pendingTaskOutput(user.id(), task, "image/png", "png", png.length);
        String confirm = "/internal/v1/storage/objects/" + output.id() + "/confirm";

        Api.as(Tokens.service()).body(Map.of("task_id", task.toString())).post(confirm).then().statusCode(409)
                .body("code", equalTo("conflict"));
        assertThat(Fixtures.statusOf(output.id())).isEqualTo("pending");
        Api.as(Tokens.service()).get("/internal/v1/storage/objects/" + output.id()).then().statusCode(200)
                .body("status", equalTo("pending")).body("url", nullValue());

        Fixtures.uploadTaskOutput(store, output, "image/png", png);

        Api.as(Tokens.service()).body(Map.of("task_id", UUID.randomUUID().toString())).post(confirm).then()
                .statusCode(404);
        String publicUrl = Fixtures.PUBLIC_BASE + "/storage/v1/object/public/public/" + output.key();
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString())).post(confirm).then().statusCode(200)
                .body("status", equalTo("ready")).body("url", equalTo(publicUrl));
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString())).post(confirm).then().statusCode(200)
                .body("status", equalTo("ready"));
        Api.given().get(Fixtures.publicPath(publicUrl)).then().statusCode(200);
        Api.as(user.token()).get("/v1/storage/objects/" + output.id()).then().statusCode(200)
                .body("key", equalTo(output.key()));
    }

    @Test
    void aTaskOutputReleasedForItsOwnTaskGoesWithItsBytesAndNoOtherObjectDoes() {
        User user = User.create();
        UUID task = UUID.randomUUID();
        byte[] png = Fixtures.bytes(321, 112);
        Fixtures.TaskOutput output = Fixtures.pendingTaskOutput(user.id(), task, "image/png", "png", png.length);
        Fixtures.uploadTaskOutput(store, output, "image/png", png);
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString()))
                .post("/internal/v1/storage/objects/" + output.id() + "/confirm").then().statusCode(200);
        JsonPath unrelated = Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(50, 113));
        String release = "/internal/v1/storage/objects/%s/release";

        // Another task's id, or an object that is no task's output: nothing happens.
        Api.as(Tokens.service()).body(Map.of("task_id", UUID.randomUUID().toString()))
                .post(release.formatted(output.id())).then().statusCode(204);
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString()))
                .post(release.formatted(unrelated.getString("id"))).then().statusCode(204);
        assertThat(Fixtures.statusOf(output.id())).isEqualTo("ready");
        assertThat(Fixtures.statusOf(unrelated.getString("id"))).isEqualTo("ready");
        // Only the platform releases.
        Api.as(Tokens.worker()).body(Map.of("task_id", task.toString())).post(release.formatted(output.id())).then()
                .statusCode(403);

        Api.as(Tokens.service()).body(Map.of("task_id", task.toString())).post(release.formatted(output.id())).then()
                .statusCode(204);
        assertThat(Fixtures.statusOf(output.id())).as("the row is gone").isNull();
        assertThat(store.head("reigh-public", output.key()).await().indefinitely()).as("the bytes are gone").isEmpty();
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString())).post(release.formatted(output.id())).then()
                .statusCode(204);
    }

    @Test
    void theOwnerCannotConfirmATaskOutputInsteadOfThePlatform() {
        User user = User.create();
        UUID task = UUID.randomUUID();
        Fixtures.TaskOutput output = Fixtures.pendingTaskOutput(user.id(), task, "image/png", "png", 10);
        Api.as(user.token()).post("/v1/storage/objects/" + output.id() + "/confirm").then().statusCode(409);
        assertThat(Fixtures.statusOf(output.id())).isEqualTo("pending");
    }

    /**
     * Rolling upgrades, an old receiver and a new sender: a newer tasks-service or projects-service adds
     * fields to its requests. This release confirms, releases and deletes as before and ignores what it
     * does not know. Public bodies stay strict.
     */
    @Test
    void internalRequestsCarryingFieldsOfANewerReleaseAreServed() {
        User user = User.create();
        UUID task = UUID.randomUUID();
        byte[] png = Fixtures.bytes(640, 114);
        Fixtures.TaskOutput output = Fixtures.pendingTaskOutput(user.id(), task, "image/png", "png", png.length);
        Fixtures.uploadTaskOutput(store, output, "image/png", png);
        Map<String, Object> newer = Map.of("task_id", task.toString(), "attempt", 2, "checksum", Map.of("sha256", "ab"));

        Api.as(Tokens.service()).body(newer).post("/internal/v1/storage/objects/" + output.id() + "/confirm").then()
                .statusCode(200).body("status", equalTo("ready"));
        Api.as(Tokens.service()).body(newer).post("/internal/v1/storage/objects/" + output.id() + "/release").then()
                .statusCode(204);
        assertThat(Fixtures.statusOf(output.id())).isNull();
        JsonPath other = Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(60, 115));
        Api.as(Tokens.service()).body(Map.of("object_ids", java.util.List.of(other.getString("id")), "reason", "project"))
                .post("/internal/v1/storage/objects/deletions").then().statusCode(204);
        Api.as(Tokens.service()).get("/internal/v1/storage/objects/" + other.getString("id")).then().statusCode(404);

        Api.as(user.token()).body(Map.of("bucket", "public", "content_type", "image/png", "size_bytes", 10, "attempt", 2))
                .post("/v1/storage/uploads").then().statusCode(400).body("code", equalTo("unknown_field"))
                .body("errors[0].field", equalTo("attempt"));
    }

    @Test
    void internalRequestsAreValidated() {
        Api.as(Tokens.service()).body(Map.of()).post("/internal/v1/storage/objects/" + UUID.randomUUID() + "/confirm")
                .then().statusCode(400).body("errors[0].field", equalTo("task_id"));
        Api.as(Tokens.service()).body(Map.of("task_id", "nope"))
                .post("/internal/v1/storage/objects/" + UUID.randomUUID() + "/confirm").then().statusCode(400);
        Api.as(Tokens.service()).body(Map.of("object_ids", java.util.List.of("nope")))
                .post("/internal/v1/storage/objects/deletions").then().statusCode(400);
    }
}
