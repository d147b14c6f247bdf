package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The deployed GPU fleet's task outputs ({@code TaskOutputs}, for tasks-service's compatibility surface):
 * inline files checked by name and first bytes, uploads whose size nobody declared (learned, and bounded,
 * at completion), intermediate files confirmed on their first public read, all served under the fleet's
 * {@code image_uploads} alias.
 */
@QuarkusTest
class FleetTaskOutputsTest {
    private static final String OUTPUTS = "/internal/v1/storage/task-outputs";
    private static final String ALIAS = "/storage/v1/object/public/image_uploads/";

    /** A file that starts like a PNG (the signature is what is checked), then arbitrary bytes. */
    private static byte[] png(int size, long seed) {
        byte[] bytes = Fixtures.bytes(size, seed);
        byte[] signature = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
        System.arraycopy(signature, 0, bytes, 0, signature.length);
        return bytes;
    }

    /** A user who exists (a task's owner always does: tasks-service names it). */
    private static User owner() {
        User user = User.create();
        try (SqlSession sql = SqlSession.as("reigh_storage").actingAsService()) {
            sql.query("SELECT reigh_ensure_user(?, NULL)::text", user.id());
        }
        return user;
    }

    private static io.restassured.response.Response inline(UUID task, UUID owner, String filename, byte[] bytes) {
        return Api.as(Tokens.service()).contentType("application/octet-stream").body(bytes)
                .queryParam("task_id", task).queryParam("owner_id", owner).queryParam("filename", filename)
                .post(OUTPUTS);
    }

    private static JsonPath ticket(UUID task, UUID owner, String filename, String type) {
        return Api.as(Tokens.service()).body(Map.of("task_id", task.toString(), "owner_id", owner.toString(),
                "filename", filename, "content_type", type)).post(OUTPUTS + "/uploads").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void anInlineFileIsStoredWhenItsBytesAreWhatItsNameSaysAndServedUnderTheAlias() {
        User user = owner();
        UUID task = UUID.randomUUID();
        byte[] file = png(4000, 301);
        String key = inline(task, user.id(), "frame.png", file).then().statusCode(200)
                .body("status", equalTo("ready")).body("size_bytes", equalTo(4000))
                .body("content_type", equalTo("image/png")).extract().path("key");
        assertThat(Api.given().get(ALIAS + key).then().statusCode(200).extract().asByteArray()).isEqualTo(file);

        long before = Fixtures.rowsOf(user.id());
        inline(task, user.id(), "frame.png", "<svg onload=alert(1)>".getBytes()).then().statusCode(415)
                .body("code", equalTo("unsupported_media_type"));
        inline(task, user.id(), "frame.html", file).then().statusCode(415)
                .body("code", equalTo("unsupported_media_type"));
        inline(task, user.id(), "frame.png", new byte[0]).then().statusCode(400);
        assertThat(Fixtures.rowsOf(user.id())).as("a refused file leaves no object behind").isEqualTo(before);
    }

    @Test
    void anUploadOfUndeclaredSizeIsConfirmedWithTheSizeTheStoreHoldsForItsOwnerOnly() {
        User user = owner();
        UUID task = UUID.randomUUID();
        JsonPath ticket = ticket(task, user.id(), "clip.png", "image/png");
        String key = ticket.getString("object.key");
        assertThat(ticket.getString("upload_url")).as("the bytes go to a staging key nothing serves")
                .contains("/staging/").doesNotContain(key);
        byte[] file = png(2_500_000, 302);
        // The fleet's PUT: only Content-Type, no size announced in advance.
        assertThat(Fixtures.put(ticket.getString("upload_url"), Map.of("Content-Type", "image/png"), file)).isEqualTo(200);

        Map<String, String> byKey = Map.of("task_id", task.toString(), "owner_id", user.id().toString(), "key", key);
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString(), "owner_id", UUID.randomUUID().toString(),
                "key", key)).post(OUTPUTS + "/confirm").then().statusCode(404);
        Api.as(Tokens.service()).body(byKey).post(OUTPUTS + "/confirm").then().statusCode(200)
                .body("status", equalTo("ready")).body("size_bytes", equalTo(file.length));
        Api.as(Tokens.service()).body(byKey).post(OUTPUTS + "/confirm").then().statusCode(200)
                .body("status", equalTo("ready"));
        assertThat(Api.given().get(ALIAS + key).then().statusCode(200).extract().asByteArray()).isEqualTo(file);
    }

    @Test
    void anUploadWhoseBytesAreNotItsTypeIsNeverConfirmed() {
        User user = owner();
        UUID task = UUID.randomUUID();
        JsonPath ticket = ticket(task, user.id(), "clip.png", "image/png");
        String key = ticket.getString("object.key");
        byte[] notPng = Fixtures.bytes(1000, 303);
        Arrays.fill(notPng, 0, 8, (byte) '<');
        assertThat(Fixtures.put(ticket.getString("upload_url"), Map.of("Content-Type", "image/png"), notPng)).isEqualTo(200);
        Api.as(Tokens.service()).body(Map.of("task_id", task.toString(), "owner_id", user.id().toString(), "key", key))
                .post(OUTPUTS + "/confirm").then().statusCode(415).body("code", equalTo("unsupported_media_type"));
        Api.given().get(ALIAS + key).then().statusCode(404);
        assertThat(Fixtures.statusOf(ticket.getString("object.id"))).isEqualTo("pending");
    }

    @Test
    void anIntermediateFileIsServedFromItsFirstReadOnceItsBytesAreThere() {
        User user = owner();
        UUID task = UUID.randomUUID();
        JsonPath ticket = ticket(task, user.id(), "guide.png", "image/png");
        String key = ticket.getString("object.key");
        Api.given().get(ALIAS + key).then().statusCode(404);
        byte[] file = png(3000, 304);
        assertThat(Fixtures.put(ticket.getString("upload_url"), Map.of("Content-Type", "image/png"), file)).isEqualTo(200);
        // Never completed with: the worker built this URL itself and reads it back.
        assertThat(Api.given().get(ALIAS + key).then().statusCode(200).extract().asByteArray()).isEqualTo(file);
        assertThat(Fixtures.statusOf(ticket.getString("object.id"))).isEqualTo("ready");
        Api.given().get(ALIAS + key + "x").then().statusCode(404);
    }
}
