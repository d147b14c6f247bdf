package ai.reigh.storage;

import static ai.reigh.storage.Fixtures.presign;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Keys are built by the server; the old system put client file names into them. */
@QuarkusTest
class ObjectKeysTest {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void aHostileFileNameNeverReachesTheKeyAndIsKeptOnlyAsHarmlessMetadata() {
        User user = User.create();
        JsonPath ticket = presign(user, "public", "image/png", 10, "../../etc/passwd");
        String key = ticket.getString("key");
        assertThat(key).matches(user.id() + "/media/" + UUID + "\\.png")
                .doesNotContain("passwd").doesNotContain("..").doesNotContain("etc");
        assertThat(key).endsWith(ticket.getString("object_id") + ".png");
        Api.as(user.token()).get("/v1/storage/objects/" + ticket.getString("object_id")).then().statusCode(200)
                .body("filename", org.hamcrest.Matchers.equalTo("passwd"));
        assertThat(Fixtures.rows("SELECT key, filename FROM storage_objects WHERE id = ?::uuid",
                ticket.getString("object_id")).get(0)).containsExactly(key, "passwd");
    }

    @Test
    void theExtensionComesFromTheContentTypeNeverFromTheFileName() {
        User user = User.create();
        JsonPath jpeg = presign(user, "public", "image/JPEG; charset=binary", 10, "holiday.exe");
        assertThat(jpeg.getString("key")).matches(user.id() + "/media/" + UUID + "\\.jpg");
        JsonPath lora = presign(user, "lora_files", "application/x-safetensors", 10, "style.ckpt");
        assertThat(lora.getString("key")).matches(user.id() + "/loras/" + UUID + "\\.safetensors");
        JsonPath clip = presign(user, "training-data", "video/quicktime", 10, "clip.mp4");
        assertThat(clip.getString("key")).matches(user.id() + "/training/" + UUID + "\\.mov");
    }

    @Test
    void everyKeyStartsWithItsOwnersIdAndTheDatabaseInsistsOnIt() {
        User user = User.create();
        for (String bucket : new String[] { "public", "training-data", "lora_files" }) {
            String type = "training-data".equals(bucket) ? "video/mp4" : "image/png";
            assertThat(presign(user, bucket, type, 10, null).getString("key")).startsWith(user.id() + "/");
        }
        assertThat(Fixtures.rows("SELECT count(*) FROM storage_objects WHERE owner_id = ? AND NOT starts_with(key, owner_id::text || '/')",
                user.id()).get(0).get(0)).isEqualTo(0L);
        try (var sql = Fixtures.owner()) {
            String refused = sql.failureOf("UPDATE storage_objects SET key = 'someone-else/' || key WHERE owner_id = ?",
                    user.id());
            assertThat(refused).as("check violation").isEqualTo("23514");
        }
    }

    @Test
    void twoUploadsOfTheSameFileGetDifferentKeys() {
        User user = User.create();
        String first = presign(user, "public", "image/png", 10, "same.png").getString("key");
        String second = presign(user, "public", "image/png", 10, "same.png").getString("key");
        assertThat(first).isNotEqualTo(second);
    }
}
