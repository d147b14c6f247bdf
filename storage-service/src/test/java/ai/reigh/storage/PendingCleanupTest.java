package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.storage.Fixtures.User;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.service.Maintenance;
import io.minio.PutObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Uploads never confirmed are removed after their window (rows and any partial bytes), one step at a time. */
@QuarkusTest
class PendingCleanupTest {
    @Inject
    Maintenance maintenance;

    @Inject
    ObjectStore store;

    @Test
    void expiredPendingUploadsAreRemovedWithTheirPartialBytesAndReadyOnesAreKept() throws Exception {
        User user = User.create();
        JsonPath neverUploaded = Fixtures.presign(user, "public", "image/png", 100, null);
        JsonPath partial = Fixtures.presign(user, "training-data", "video/mp4", 5000, null);
        assertThat(Fixtures.put(partial, Fixtures.bytes(1000, 100))).as("the URL is signed for 5000 bytes")
                .isEqualTo(403);
        // What a store that ignored the signed length would have kept of an interrupted upload.
        String partialStaging = Fixtures.stagingKey(user.id(), partial.getString("object_id"));
        Fixtures.s3().putObject(PutObjectArgs.builder().bucket("reigh-training-data").object(partialStaging)
                .contentType("video/mp4").stream(new ByteArrayInputStream(Fixtures.bytes(1000, 100)), 1000L, -1L).build());
        JsonPath ready = Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(100, 101));

        drain(Instant.now());
        assertThat(Fixtures.rowsOf(user.id())).as("nothing of this user has expired yet").isEqualTo(3);

        // The upload URL lives 15 minutes and the confirmation window 15 more: an hour later both are gone.
        drain(Instant.now().plus(Duration.ofHours(1)));
        assertThat(Fixtures.statusOf(neverUploaded.getString("object_id"))).isNull();
        assertThat(Fixtures.statusOf(partial.getString("object_id"))).isNull();
        assertThat(store.head("reigh-training-data", partialStaging).await().indefinitely())
                .as("the partial bytes are gone").isEmpty();
        assertThat(Fixtures.statusOf(ready.getString("id"))).isEqualTo("ready");
        assertThat(store.head("reigh-public", ready.getString("key")).await().indefinitely()).isPresent();
    }

    @Test
    void aConfirmationAfterTheWindowClosedIs409AndTheCleanerStillRemovesIt() {
        User user = User.create();
        byte[] data = Fixtures.bytes(100, 102);
        JsonPath ticket = Fixtures.presign(user, "public", "image/png", data.length, null);
        assertThat(Fixtures.put(ticket, data)).isEqualTo(200);
        try (var sql = Fixtures.owner()) {
            sql.update("UPDATE storage_objects SET expires_at = now() - interval '1 second' WHERE id = ?::uuid",
                    ticket.getString("object_id"));
        }
        Api.as(user.token()).post("/v1/storage/objects/" + ticket.getString("object_id") + "/confirm").then()
                .statusCode(409).body("code", equalTo("upload_expired"));
        drain(Instant.now());
        assertThat(Fixtures.statusOf(ticket.getString("object_id"))).isNull();
        assertThat(store.head("reigh-public", ticket.getString("key")).await().indefinitely()).isEmpty();
        assertThat(Fixtures.keysUnder("reigh-public", Fixtures.stagingKey(user.id(), ticket.getString("object_id"))))
                .as("nor its staging bytes").isEmpty();
    }

    /** Runs the cleaner until a batch finds nothing (other tests' expired uploads may be queued too). */
    private void drain(Instant asOf) {
        for (int pass = 0; pass < 50; pass++) {
            var outcome = maintenance.cleanExpiredUploads(asOf).await().atMost(Duration.ofSeconds(60));
            if (outcome.removed() + outcome.deferred() == 0) {
                return;
            }
        }
        throw new AssertionError("the cleaner did not finish in 50 batches");
    }
}
