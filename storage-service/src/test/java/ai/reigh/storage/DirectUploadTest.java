package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.restassured.path.json.JsonPath;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.storage.Fixtures.User;
import ai.reigh.storage.client.ObjectStore;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code POST /v1/storage/buckets/{bucket}/objects}: streamed to the store, the size enforced before
 * reading (declared) or while reading (chunked). The test profile's direct-upload limit is 256 KiB.
 */
@QuarkusTest
class DirectUploadTest {
    private static final int LIMIT = 262_144;

    @TestHTTPResource("/")
    URI base;

    @Inject
    ObjectStore store;

    private HttpResponse<String> upload(User user, String bucket, String contentType, HttpRequest.BodyPublisher body,
            String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/storage/buckets/" + bucket + "/objects"
                + (query == null ? "" : "?" + query))).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + user.token()).POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return Fixtures.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A body without a declared length: java.net.http sends it chunked. */
    private static HttpRequest.BodyPublisher chunked(byte[] data) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> (InputStream) new ByteArrayInputStream(data));
    }

    @Test
    void aSmallFileWithItsLengthIsStoredAndReadyAtOnce() {
        User user = User.create();
        byte[] png = Fixtures.bytes(200_000, 40);
        HttpResponse<String> answer = upload(user, "public", "image/png", HttpRequest.BodyPublishers.ofByteArray(png),
                "filename=..%2F..%2Fetc%2Fpasswd");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        JsonPath object = new JsonPath(answer.body());
        assertThat(object.getString("status")).isEqualTo("ready");
        assertThat(object.getLong("size_bytes")).isEqualTo(200_000);
        assertThat(object.getString("filename")).isEqualTo("passwd");
        assertThat(object.getString("key")).startsWith(user.id() + "/media/").endsWith(".png").doesNotContain("passwd");
        byte[] served = Api.given().get(Fixtures.publicPath(object.getString("url"))).then().statusCode(200).extract()
                .asByteArray();
        assertThat(served).isEqualTo(png);
    }

    @Test
    void aChunkedBodyIsStoredAndItsSizeLearnedWhileReading() {
        User user = User.create();
        byte[] clip = Fixtures.bytes(150_000, 41);
        HttpResponse<String> answer = upload(user, "training-data", "video/webm", chunked(clip), null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        JsonPath object = new JsonPath(answer.body());
        assertThat(object.getLong("size_bytes")).isEqualTo(150_000);
        assertThat(object.getString("url")).contains("X-Amz-Signature=");
        assertThat(Fixtures.get(object.getString("url")).body()).isEqualTo(clip);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeAnythingIsStored() {
        User user = User.create();
        HttpResponse<String> answer = upload(user, "public", "image/png",
                HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes(LIMIT + 1, 42)), null);
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(new JsonPath(answer.body()).getString("code")).isEqualTo("payload_too_large");
        assertThat(Fixtures.rowsOf(user.id())).isZero();
        // The bucket's own limit is lower than the direct-upload limit for lora_files (64 KiB in tests).
        HttpResponse<String> lora = upload(user, "lora_files", "application/octet-stream",
                HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes(65_537, 43)), null);
        assertThat(lora.statusCode()).isEqualTo(413);
    }

    @Test
    void aChunkedBodyOverTheLimitIsStoppedWhileReadingAndLeavesNothingBehind() {
        User user = User.create();
        HttpResponse<String> answer = upload(user, "public", "image/png", chunked(Fixtures.bytes(LIMIT + 50_000, 44)),
                null);
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(new JsonPath(answer.body()).getString("code")).isEqualTo("payload_too_large");
        assertThat(Fixtures.rowsOf(user.id())).as("the pending row and its bytes were discarded").isZero();
    }

    /**
     * Proof that the body is read as it arrives, not buffered first: the client sends more than the limit
     * and then holds its body open. A server that buffered the whole body would wait for the end; this one
     * has already refused it.
     */
    @Test
    void theLimitIsEnforcedWhileTheBodyIsStillArriving() throws Exception {
        User user = User.create();
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/storage/buckets/public/objects HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + user.token() + "\r\nContent-Type: image/png\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] chunk = Fixtures.bytes(16 * 1024, 45);
            for (int sent = 0; sent <= LIMIT; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            out.flush();
            // No last chunk: the body is still open while we wait for the answer.
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertThat(statusLine).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        }
        assertThat(Fixtures.rowsOf(user.id())).isZero();
    }

    @Test
    void unacceptedTypesAndEmptyBodiesAreRefused() {
        User user = User.create();
        HttpResponse<String> html = upload(user, "public", "text/html", HttpRequest.BodyPublishers.ofString("<script>"),
                null);
        assertThat(html.statusCode()).isEqualTo(415);
        assertThat(new JsonPath(html.body()).getString("code")).isEqualTo("unsupported_media_type");
        HttpResponse<String> none = upload(user, "public", null, HttpRequest.BodyPublishers.ofString("x"), null);
        assertThat(none.statusCode()).isEqualTo(415);
        HttpResponse<String> empty = upload(user, "public", "image/png", HttpRequest.BodyPublishers.noBody(), null);
        assertThat(empty.statusCode()).isEqualTo(400);
        HttpResponse<String> unknownBucket = upload(user, "nope", "image/png", HttpRequest.BodyPublishers.ofString("x"),
                null);
        assertThat(unknownBucket.statusCode()).isEqualTo(404);
        assertThat(Fixtures.rowsOf(user.id())).isZero();
    }

    @Test
    void directUploadsCountTowardsTheQuota() {
        User user = User.create();
        // 1 MiB quota in tests: four 250 KB uploads fit, the fifth does not.
        for (int i = 0; i < 4; i++) {
            assertThat(upload(user, "public", "image/webp",
                    HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes(250_000, 50 + i)), null).statusCode())
                    .isEqualTo(201);
        }
        HttpResponse<String> over = upload(user, "public", "image/webp",
                HttpRequest.BodyPublishers.ofByteArray(Fixtures.bytes(250_000, 60)), null);
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(new JsonPath(over.body()).getString("code")).isEqualTo("quota_exceeded");
        HttpResponse<String> overChunked = upload(user, "public", "image/webp", chunked(Fixtures.bytes(250_000, 61)), null);
        assertThat(overChunked.statusCode()).isEqualTo(413);
        assertThat(new JsonPath(overChunked.body()).getString("code")).isEqualTo("quota_exceeded");
        assertThat(Fixtures.rowsOf(user.id())).as("refused uploads leave no row").isEqualTo(4);
        Api.as(user.token()).get("/v1/storage/objects").then().statusCode(200).body("items.size()", equalTo(4));
    }
}
