package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.storage.Fixtures.User;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Someone else's object is a 404 on every operation, exactly like a missing one. */
@QuarkusTest
class IsolationTest {

    @Test
    void anotherUserGets404OnEveryObjectOperation() {
        User owner = User.create();
        User stranger = User.create();
        JsonPath ready = Fixtures.readyObject(owner, "training-data", "video/mp4", Fixtures.bytes(100, 30));
        String readyId = ready.getString("id");
        JsonPath pending = Fixtures.presign(owner, "public", "image/png", 10, null);
        String pendingId = pending.getString("object_id");
        assertThat(Fixtures.put(pending, Fixtures.bytes(10, 31))).isEqualTo(200);
        String missing = java.util.UUID.randomUUID().toString();

        for (String id : new String[] { readyId, pendingId, missing }) {
            Api.as(stranger.token()).get("/v1/storage/objects/" + id).then().statusCode(404)
                    .body("code", equalTo("not_found")).body("detail", equalTo("Object not found"));
            Api.as(stranger.token()).post("/v1/storage/objects/" + id + "/confirm").then().statusCode(404)
                    .body("detail", equalTo("Object not found"));
            Api.as(stranger.token()).delete("/v1/storage/objects/" + id).then().statusCode(404)
                    .body("detail", equalTo("Object not found"));
        }
        Api.as(stranger.token()).get("/v1/storage/objects").then().statusCode(200)
                .body("items.id", not(hasItem(readyId))).body("items.id", not(hasItem(pendingId)));

        assertThat(Fixtures.statusOf(readyId)).as("untouched").isEqualTo("ready");
        assertThat(Fixtures.statusOf(pendingId)).as("not confirmed by the stranger").isEqualTo("pending");
        Api.as(owner.token()).get("/v1/storage/objects/" + readyId).then().statusCode(200);
        Api.as(owner.token()).get("/v1/storage/objects").then().statusCode(200)
                .body("items.id", hasItem(readyId)).body("items.id", hasItem(pendingId));
    }

    @Test
    void rowLevelSecurityHidesOtherOwnersRowsFromTheServiceRoleToo() {
        User owner = User.create();
        User stranger = User.create();
        String id = Fixtures.presign(owner, "public", "image/png", 10, null).getString("object_id");
        try (var sql = ai.reigh.common.testing.SqlSession.as("reigh_storage").actingAsUser(stranger.id())) {
            assertThat(sql.count("SELECT count(*) FROM storage_objects WHERE id = ?::uuid", id)).isZero();
            assertThat(sql.update("DELETE FROM storage_objects WHERE id = ?::uuid", id)).isZero();
        }
        assertThat(Fixtures.statusOf(id)).isEqualTo("pending");
    }
}
