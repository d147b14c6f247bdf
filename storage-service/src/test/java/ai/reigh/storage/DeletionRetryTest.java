package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.EmbeddedS3;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.Fixtures.User;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.service.DeletionService;
import ai.reigh.storage.service.Maintenance;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** A store that is down when something is deleted: the delete still answers, and is finished later. */
@QuarkusTest
class DeletionRetryTest {
    @Inject
    ObjectStore store;

    @Inject
    Maintenance maintenance;

    @Inject
    DeletionService deletions;

    @ConfigProperty(name = "reigh.s3.endpoint")
    String s3Endpoint;

    private boolean storeStopped;

    private void stopStore() {
        EmbeddedS3.shared().stop();
        storeStopped = true;
    }

    private void startStore() {
        EmbeddedS3.shared().start();
        storeStopped = false;
    }

    @AfterEach
    void storeIsBack() {
        if (storeStopped) {
            startStore();
        }
    }

    @Test
    void aDeleteWhileTheStoreIsDownIsAnsweredAndTheBytesAreRemovedWhenItIsBack() {
        assertThat(EmbeddedS3.shared().endpoint()).as("the test stops the store the service uses").isEqualTo(s3Endpoint);
        User user = User.create();
        JsonPath object = Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(1000, 90));
        String id = object.getString("id");
        String key = object.getString("key");

        stopStore();
        Api.as(user.token()).delete("/v1/storage/objects/" + id).then().statusCode(204);
        Api.as(user.token()).get("/v1/storage/objects/" + id).then().statusCode(404);
        Api.given().get(Fixtures.publicPath(object.getString("url"))).then().statusCode(404);
        List<Object> row = Fixtures.rows("SELECT status, delete_attempts, next_delete_at FROM storage_objects"
                + " WHERE id = ?::uuid", id).get(0);
        assertThat(row.get(0)).isEqualTo("deleting");
        assertThat(row.get(1)).as("one failed attempt recorded").isEqualTo(1);
        assertThat(((java.sql.Timestamp) row.get(2)).toInstant()).isAfter(Instant.now());
        Api.management().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'Object store' }.status", equalTo("DOWN"));

        DeletionService.Outcome whileDown = maintenance.retryDeletions(Instant.now().plus(Duration.ofHours(2)))
                .await().atMost(Duration.ofSeconds(60));
        assertThat(whileDown.removed()).isZero();
        assertThat(Fixtures.rows("SELECT delete_attempts FROM storage_objects WHERE id = ?::uuid", id).get(0).get(0))
                .as("each failed pass counts").isEqualTo(2);

        startStore();
        assertThat(store.head("reigh-public", key).await().indefinitely()).as("the bytes are still there").isPresent();
        DeletionService.Outcome retried = maintenance.retryDeletions(Instant.now().plus(Duration.ofHours(2)))
                .await().atMost(Duration.ofSeconds(60));
        assertThat(retried.removed()).isGreaterThanOrEqualTo(1);
        assertThat(Fixtures.statusOf(id)).as("row gone").isNull();
        assertThat(store.head("reigh-public", key).await().indefinitely()).as("bytes gone").isEmpty();
        Api.management().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void platformDeletionsIgnoreUnknownIdsAndSurviveAStoreOutage() {
        User user = User.create();
        JsonPath first = Fixtures.readyObject(user, "training-data", "video/mp4", Fixtures.bytes(100, 91));
        JsonPath second = Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(100, 92));
        String pending = Fixtures.presign(user, "public", "image/png", 10, null).getString("object_id");
        List<String> ids = List.of(first.getString("id"), second.getString("id"), pending, UUID.randomUUID().toString());

        stopStore();
        Api.as(Tokens.service()).body(Map.of("object_ids", ids)).post("/internal/v1/storage/objects/deletions").then()
                .statusCode(204);
        assertThat(Fixtures.rows("SELECT count(*) FROM storage_objects WHERE owner_id = ? AND status = 'deleting'",
                user.id()).get(0).get(0)).isEqualTo(3L);
        Api.as(Tokens.service()).get("/internal/v1/storage/objects/" + first.getString("id")).then().statusCode(404);

        startStore();
        Api.as(Tokens.service()).body(Map.of("object_ids", ids)).post("/internal/v1/storage/objects/deletions").then()
                .statusCode(204);
        maintenance.retryDeletions(Instant.now().plus(Duration.ofHours(2))).await().atMost(Duration.ofSeconds(60));
        assertThat(Fixtures.rowsOf(user.id())).isZero();
        assertThat(store.head("reigh-training-data", first.getString("key")).await().indefinitely()).isEmpty();
        assertThat(store.head("reigh-public", second.getString("key")).await().indefinitely()).isEmpty();
    }

    @Test
    void platformDeletionsAreIdempotentAndBounded() {
        User user = User.create();
        JsonPath object = Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(100, 93));
        Map<String, Object> body = Map.of("object_ids", List.of(object.getString("id")));
        Api.as(Tokens.service()).body(body).post("/internal/v1/storage/objects/deletions").then().statusCode(204);
        assertThat(Fixtures.statusOf(object.getString("id"))).isNull();
        Api.as(Tokens.service()).body(body).post("/internal/v1/storage/objects/deletions").then().statusCode(204);
        Api.as(Tokens.service()).body(Map.of("object_ids", List.of())).post("/internal/v1/storage/objects/deletions")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        List<String> tooMany = java.util.stream.IntStream.range(0, 501).mapToObj(i -> UUID.randomUUID().toString()).toList();
        Api.as(Tokens.service()).body(Map.of("object_ids", tooMany)).post("/internal/v1/storage/objects/deletions")
                .then().statusCode(400);
    }

    @Test
    void theRetryDelayDoublesUpToItsCap() {
        assertThat(deletions.backoff(0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(deletions.backoff(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(deletions.backoff(3)).isEqualTo(Duration.ofMinutes(4));
        assertThat(deletions.backoff(10)).isEqualTo(Duration.ofHours(1));
        assertThat(deletions.backoff(1_000)).isEqualTo(Duration.ofHours(1));
    }
}
