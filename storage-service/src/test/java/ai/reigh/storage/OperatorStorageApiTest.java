package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** What is stored, as the operator console shows it: per bucket, and per user against the quota. */
@QuarkusTest
class OperatorStorageApiTest {
    private static final String ADMIN = Tokens.admin(UUID.randomUUID());

    @Test
    void everyBucketIsCountedWithItsReadyBytesAndPendingUploads() {
        Map<String, Object> before = bucket("public");
        Fixtures.User user = Fixtures.User.create();
        Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(300, 1));
        Fixtures.presign(user, "public", "image/png", 10, null);

        Map<String, Object> after = bucket("public");
        assertThat(((Number) after.get("objects")).longValue()).isEqualTo(((Number) before.get("objects")).longValue() + 1);
        assertThat(((Number) after.get("bytes")).longValue()).isEqualTo(((Number) before.get("bytes")).longValue() + 300);
        assertThat(((Number) after.get("pending")).longValue()).isGreaterThanOrEqualTo(((Number) before.get("pending")).longValue() + 1);
        assertThat(Api.as(ADMIN).get("/v1/admin/storage/buckets").then().statusCode(200).extract().jsonPath()
                .getList("buckets.bucket")).as("every configured bucket, empty ones too, by name")
                .containsExactly("lora_files", "public", "training-data");
        Api.as(user.token()).get("/v1/admin/storage/buckets").then().statusCode(403);
    }

    @Test
    void usersAreListedBiggestFirstAgainstTheQuota() {
        long quota = ConfigProvider.getConfig().getValue("reigh.storage.user-quota-bytes", Long.class);
        List<Fixtures.User> users = new ArrayList<>();
        for (int size : new int[] { 600_000, 700_000, 800_000 }) {
            Fixtures.User user = Fixtures.User.create();
            Fixtures.readyObject(user, "public", "image/png", Fixtures.bytes(size, size));
            users.add(user);
        }
        List<String> walked = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = Api.as(ADMIN).get("/v1/admin/storage/usage?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
                    .then().statusCode(200).extract().jsonPath();
            walked.addAll(page.getList("items.user_id"));
            page.getList("items.bytes", Long.class).forEach(sizes::add);
            assertThat(page.getList("items.quota_bytes", Long.class)).allSatisfy(value -> assertThat(value).isEqualTo(quota));
            cursor = page.getString("next_cursor");
        } while (cursor != null);
        assertThat(walked).doesNotHaveDuplicates();
        assertThat(sizes).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        int big = walked.indexOf(users.get(2).id().toString());
        int small = walked.indexOf(users.get(0).id().toString());
        assertThat(big).isNotNegative().isLessThan(small);

        JsonPath one = Api.as(ADMIN).get("/v1/admin/storage/usage/" + users.get(1).id()).then().statusCode(200).extract()
                .jsonPath();
        assertThat(one.getLong("bytes")).isEqualTo(700_000);
        assertThat(one.getLong("objects")).isEqualTo(1);
        assertThat(Api.as(ADMIN).get("/v1/admin/storage/usage/" + UUID.randomUUID()).then().statusCode(200).extract()
                .jsonPath().getLong("bytes")).isZero();

        Api.as(ADMIN).get("/v1/admin/storage/usage?cursor=%%%").then().statusCode(400);
        Api.as(ADMIN).get("/v1/admin/storage/usage?limit=0").then().statusCode(400);
        Api.as(users.get(0).token()).get("/v1/admin/storage/usage").then().statusCode(403);
    }

    private static Map<String, Object> bucket(String name) {
        List<Map<String, Object>> buckets = Api.as(ADMIN).get("/v1/admin/storage/buckets").then().statusCode(200).extract()
                .jsonPath().getList("buckets");
        return buckets.stream().filter(bucket -> name.equals(bucket.get("bucket"))).findFirst().orElseThrow();
    }
}
