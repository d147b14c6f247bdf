package ai.reigh.projects;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.ReighTestEnvironment;
import ai.reigh.common.testing.ServiceProcess;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.projects.Fixtures.User;
import io.restassured.path.json.JsonPath;

/** Objects in the real storage-service sibling, made the way a client makes them. */
final class StorageFixtures {
    private StorageFixtures() {
    }

    static ServiceProcess storage() {
        return ReighTestEnvironment.sibling("storage");
    }

    /** A ready object (direct upload of small bytes): {@code id}, {@code url}, {@code key}, ... */
    static JsonPath ready(User user, String bucket, String contentType) {
        byte[] bytes = new byte[256];
        new Random().nextBytes(bytes);
        return Api.given().baseUri(storage().url()).auth().oauth2(user.token()).contentType(contentType).body(bytes)
                .post("/v1/storage/buckets/" + bucket + "/objects").then().statusCode(201).extract().jsonPath();
    }

    /** An upload that was announced but never confirmed: its object exists, pending. */
    static String pending(User user, String bucket, String contentType) {
        return Api.given().baseUri(storage().url()).auth().oauth2(user.token()).contentType("application/json")
                .body(Map.of("bucket", bucket, "content_type", contentType, "size_bytes", 1000))
                .post("/v1/storage/uploads").then().statusCode(201).extract().path("object_id");
    }

    /** How many of these objects storage-service still has (any status). */
    static long storedCount(List<String> objectIds) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return sql.count("SELECT count(*) FROM storage_objects WHERE id = ANY(?::uuid[])",
                    (Object) objectIds.toArray(String[]::new));
        }
    }

    /** Stops storage-service, runs {@code whileDown}, starts it again and waits until it answers. */
    static void whileStorageIsDown(Runnable whileDown) {
        storage().stop();
        try {
            whileDown.run();
        } finally {
            storage().start();
        }
    }

    /** Polls {@code condition} until it holds, for at most {@code timeout}. */
    static boolean eventually(Duration timeout, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    static UUID id(JsonPath object) {
        return UUID.fromString(object.getString("id"));
    }
}
