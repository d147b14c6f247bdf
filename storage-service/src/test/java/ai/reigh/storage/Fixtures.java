package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.EmbeddedPostgres;
import ai.reigh.common.testing.EmbeddedS3;
import ai.reigh.common.testing.PresignedPut;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.client.ObjectStore;
import ai.reigh.storage.service.DeletionService;
import ai.reigh.storage.service.Maintenance;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.restassured.path.json.JsonPath;

/**
 * What the storage tests share: users with tokens, presigned uploads done the way a client does them
 * (a plain java.net.http PUT to the URL, with the headers it was given), and SQL-level looks.
 */
final class Fixtures {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The test profile's public base URL (application.properties). */
    static final String PUBLIC_BASE = "https://reigh.test";

    private Fixtures() {
    }

    /** A signed-in user of its own (tests never share users, so their objects and quotas are independent). */
    record User(UUID id, String token) {
        static User create() {
            UUID id = UUID.randomUUID();
            return new User(id, Tokens.user(id));
        }
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static JsonPath presign(User user, String bucket, String contentType, long size, String filename) {
        Map<String, Object> body = new HashMap<>(Map.of("bucket", bucket, "content_type", contentType, "size_bytes", size));
        if (filename != null) {
            body.put("filename", filename);
        }
        return Api.as(user.token()).body(body).post("/v1/storage/uploads").then().statusCode(201).extract().jsonPath();
    }

    /** PUTs to the presigned URL with every header the ticket lists (and only those). */
    static int put(JsonPath ticket, byte[] data) {
        Map<String, String> headers = ticket.getMap("upload_headers");
        return put(ticket.getString("upload_url"), headers, data);
    }

    static int put(String url, Map<String, String> headers, byte[] data) {
        return PresignedPut.put(url, headers, data);
    }

    static HttpResponse<byte[]> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return HTTP.send(request, handler);
        } catch (IOException e) {
            throw new IllegalStateException("HTTP " + request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Presign, PUT the bytes, confirm: a ready object. */
    static JsonPath readyObject(User user, String bucket, String contentType, byte[] data) {
        JsonPath ticket = presign(user, bucket, contentType, data.length, null);
        assertThat(put(ticket, data)).isEqualTo(200);
        return Api.as(user.token()).post("/v1/storage/objects/" + ticket.getString("object_id") + "/confirm").then()
                .statusCode(200).extract().jsonPath();
    }

    /** The path of a public URL on this service (the base is the gateway's in production). */
    static String publicPath(String url) {
        assertThat(url).startsWith(PUBLIC_BASE + "/storage/v1/object/public/");
        return url.substring(PUBLIC_BASE.length());
    }

    /** The test run's S3 server through a MinIO client of the test's own (what is really in the buckets). */
    static MinioClient s3() {
        EmbeddedS3 s3 = EmbeddedS3.shared();
        return MinioClient.builder().endpoint(s3.endpoint()).credentials(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY)
                .region(EmbeddedS3.REGION).build();
    }

    static String s3Endpoint() {
        return EmbeddedS3.shared().endpoint();
    }

    /** Every key under {@code prefix} in the S3 bucket, listed by the store itself. */
    static List<String> keysUnder(String physicalBucket, String prefix) {
        List<String> keys = new java.util.ArrayList<>();
        try {
            for (Result<Item> item : s3().listObjects(ListObjectsArgs.builder().bucket(physicalBucket).prefix(prefix)
                    .recursive(true).build())) {
                keys.add(item.get().objectName());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot list " + physicalBucket + "/" + prefix, e);
        }
        return keys;
    }

    /** Where presigned uploads of an object land before its confirmation (never served). */
    static String stagingKey(UUID ownerId, String objectId) {
        return "staging/" + ownerId + "/" + objectId;
    }

    /** The owner's ready bytes, as the quota counts them. */
    static long readyBytesOf(UUID ownerId) {
        return (Long) rows("SELECT coalesce(sum(size_bytes), 0)::bigint FROM storage_objects WHERE owner_id = ?"
                + " AND status = 'ready'", ownerId).get(0).get(0);
    }

    /**
     * Every maintenance step at {@code asOf}, each until a batch finds nothing (other tests' leftovers may be
     * queued too).
     */
    static void runMaintenance(Maintenance maintenance, Instant asOf) {
        drain("expired uploads", () -> maintenance.cleanExpiredUploads(asOf).await().atMost(Duration.ofSeconds(60)));
        drain("deletion retries", () -> maintenance.retryDeletions(asOf).await().atMost(Duration.ofSeconds(60)));
        for (int pass = 0; pass < 50; pass++) {
            if (maintenance.sweepStaging(asOf).await().atMost(Duration.ofSeconds(60)).removed() == 0) {
                return;
            }
        }
        throw new AssertionError("staging sweep: maintenance did not finish in 50 batches");
    }

    private static void drain(String step, java.util.function.Supplier<DeletionService.Outcome> batch) {
        for (int pass = 0; pass < 50; pass++) {
            DeletionService.Outcome outcome = batch.get();
            if (outcome.removed() + outcome.deferred() == 0) {
                return;
            }
        }
        throw new AssertionError(step + ": maintenance did not finish in 50 batches");
    }

    static SqlSession owner() {
        return SqlSession.as(EmbeddedPostgres.OWNER).actingAsService();
    }

    /** {@code status} of the row, or null when there is no row. */
    static String statusOf(String objectId) {
        try (SqlSession sql = owner()) {
            return (String) sql.value("SELECT status FROM storage_objects WHERE id = ?::uuid", objectId);
        }
    }

    static long rowsOf(UUID ownerId) {
        try (SqlSession sql = owner()) {
            return sql.count("SELECT count(*) FROM storage_objects WHERE owner_id = ?", ownerId);
        }
    }

    static List<List<Object>> rows(String sqlText, Object... params) {
        try (SqlSession sql = owner()) {
            return sql.query(sqlText, params);
        }
    }

    /** A worker's pending task output, recorded as POST /v1/workers/uploads records it (tasks-service is not here). */
    record TaskOutput(UUID ownerId, String id, String key) {
    }

    /**
     * The upload URL a worker's ticket would carry for {@code output} (signed by the service's own store client,
     * for the staging key, length and type), and the bytes PUT to it.
     */
    static String uploadTaskOutput(ObjectStore store, TaskOutput output, String contentType, byte[] data) {
        String url = store.presignUpload("reigh-public", stagingKey(output.ownerId(), output.id()), contentType,
                data.length, Duration.ofMinutes(5)).await().indefinitely();
        assertThat(put(url, Map.of("Content-Type", contentType), data)).isEqualTo(200);
        return url;
    }

    static TaskOutput pendingTaskOutput(UUID ownerId, UUID taskId, String contentType, String extension, long size) {
        UUID id = UUID.randomUUID();
        String key = ownerId + "/tasks/" + taskId + "/" + id + "." + extension;
        try (SqlSession sql = SqlSession.as("reigh_storage").actingAsService()) {
            sql.query("SELECT reigh_ensure_user(?, NULL)::text", ownerId);
            sql.update("INSERT INTO storage_objects (id, owner_id, bucket, key, kind, content_type, size_bytes, task_id,"
                    + " expires_at) VALUES (?, ?, 'public', ?, 'tasks', ?, ?, ?, now() + interval '30 minutes')",
                    id, ownerId, key, contentType, size, taskId);
        }
        return new TaskOutput(ownerId, id.toString(), key);
    }
}
