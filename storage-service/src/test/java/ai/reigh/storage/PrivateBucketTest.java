package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The old system made the training-data bucket public; here it is private, and stays so. */
@QuarkusTest
class PrivateBucketTest {
    @ConfigProperty(name = "reigh.s3.endpoint")
    String s3Endpoint;

    @Test
    void aTrainingDataObjectsUrlIsAShortLivedPresignedGetThatWorks() {
        User user = User.create();
        byte[] clip = Fixtures.bytes(4096, 10);
        JsonPath object = Fixtures.readyObject(user, "training-data", "video/mp4", clip);
        String url = object.getString("url");
        assertThat(url).startsWith(s3Endpoint + "/reigh-training-data/" + object.getString("key") + "?")
                .contains("X-Amz-Signature=").contains("X-Amz-Expires=600");
        HttpResponse<byte[]> fetched = Fixtures.get(url);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(clip);
    }

    @Test
    void withoutASignatureTheStoreItselfRefusesTheObject() {
        User user = User.create();
        JsonPath object = Fixtures.readyObject(user, "training-data", "video/mp4", Fixtures.bytes(100, 11));
        String unsigned = URI.create(object.getString("url")).toString().split("\\?")[0];
        assertThat(Fixtures.get(unsigned).statusCode()).isEqualTo(403);
    }

    @Test
    void thePublicRouteAnswers404ForATrainingDataObjectWhoeverAsks() {
        User user = User.create();
        JsonPath object = Fixtures.readyObject(user, "training-data", "video/mp4", Fixtures.bytes(100, 12));
        String key = object.getString("key");
        String path = "/storage/v1/object/public/training-data/" + key;
        Api.given().get(path).then().statusCode(404).contentType("application/problem+json")
                .body("code", equalTo("not_found"));
        Api.given().auth().oauth2(user.token()).get(path).then().statusCode(404);
        Api.given().auth().oauth2(Tokens.admin(UUID.randomUUID())).get(path).then().statusCode(404);
        Api.given().auth().oauth2(Tokens.service()).get(path).then().statusCode(404);
        Api.given().head(path).then().statusCode(404);
        // Nor under a public bucket's name: the route looks the object up by bucket and key.
        Api.given().get("/storage/v1/object/public/public/" + key).then().statusCode(404);
    }

    @Test
    void bucketsAreListedWithTheirVisibilityAndLimits() {
        Api.as(User.create().token()).get("/v1/storage/buckets").then().statusCode(200)
                .body("items.name", equalTo(java.util.List.of("lora_files", "public", "training-data")))
                .body("items.find { it.name == 'training-data' }.public", equalTo(false))
                .body("items.find { it.name == 'public' }.public", equalTo(true))
                .body("items.find { it.name == 'lora_files' }.public", equalTo(true))
                .body("items.find { it.name == 'lora_files' }.max_object_bytes", equalTo(65536))
                .body("items.find { it.name == 'training-data' }.allowed_content_types",
                        equalTo(java.util.List.of("video/mp4", "video/webm", "video/quicktime", "video/x-matroska")));
        Api.given().get("/v1/storage/buckets").then().statusCode(401);
    }
}
