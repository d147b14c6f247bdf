package ai.reigh.projects;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.projects.Fixtures.User;
import ai.reigh.projects.service.StorageDeletionRelay;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Deleting a project: one transaction removes everything in it (no orphans, checked in SQL) and queues
 * the deletion of its stored objects; the relay delivers those to storage-service until it has them,
 * whether or not it was up at delete time.
 */
@QuarkusTest
class ProjectDeletionTest {
    private static final Duration STEP = Duration.ofSeconds(60);

    @Inject
    StorageDeletionRelay relay;

    @Test
    void deleteLeavesNoOrphansAndTheRelayDeletesTheObjects() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String shot = Fixtures.shot(user, project, "S");
        String uploaded = StorageFixtures.ready(user, "public", "image/png").getString("id");
        String taskOutput = StorageFixtures.ready(user, "public", "video/mp4").getString("id");
        String shared = StorageFixtures.ready(user, "public", "image/png").getString("id");
        String generation = Api.as(user.token()).body(Map.of("type", "image", "object_id", uploaded))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201).extract().path("id");
        Api.as(user.token()).body(Map.of("type", "image", "object_id", shared))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201);
        // The same object also backs a generation of another project: it must survive.
        String otherProject = Fixtures.project(user);
        Api.as(user.token()).body(Map.of("type", "image", "object_id", shared))
                .post("/v1/projects/" + otherProject + "/generations").then().statusCode(201);
        Fixtures.generation(user, project, "image");
        UUID task = insertTask(user, project);
        Map<String, Object> fromTask = Fixtures.taskGeneration(task, project);
        fromTask.put("type", "video");
        fromTask.put("object_id", taskOutput);
        fromTask.put("shot_id", shot);
        fromTask.put("add_in_position", true);
        Api.as(Tokens.service()).body(fromTask).post("/internal/v1/generations").then().statusCode(201);
        Fixtures.linkId(user, shot, generation, null);

        Api.as(user.token()).delete("/v1/projects/" + project).then().statusCode(204);

        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM projects WHERE id = ?::uuid", project)).isZero();
            assertThat(sql.count("SELECT count(*) FROM shots WHERE project_id = ?::uuid", project)).isZero();
            assertThat(sql.count("SELECT count(*) FROM shot_generations WHERE shot_id = ?::uuid", shot)).isZero();
            assertThat(sql.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid", project)).isZero();
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE project_id = ?::uuid OR id = ?::uuid", project, task))
                    .isZero();
            // Nothing anywhere points at a row that is gone.
            assertThat(sql.count("SELECT count(*) FROM shot_generations sg WHERE NOT EXISTS"
                    + " (SELECT 1 FROM shots s WHERE s.id = sg.shot_id)"
                    + " OR NOT EXISTS (SELECT 1 FROM generations g WHERE g.id = sg.generation_id)")).isZero();
            assertThat(queued(sql, uploaded)).isEqualTo(1);
            assertThat(queued(sql, taskOutput)).isEqualTo(1);
            assertThat(queued(sql, shared)).isZero();
            assertThat(sql.count("SELECT count(*) FROM generations WHERE project_id = ?::uuid", otherProject)).isEqualTo(1);
        }

        drainOutbox();
        assertThat(StorageFixtures.storedCount(List.of(uploaded, taskOutput))).isZero();
        assertThat(StorageFixtures.storedCount(List.of(shared))).isEqualTo(1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM storage_deletion_outbox WHERE object_id IN (?::uuid, ?::uuid)"
                    + " AND delivered_at IS NOT NULL", uploaded, taskOutput)).isEqualTo(2);
        }
    }

    @Test
    void theDeleteNeverWaitsOnStorageAndTheRelayRetriesWithBackoff() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String object = StorageFixtures.ready(user, "public", "image/png").getString("id");
        Api.as(user.token()).body(Map.of("type", "image", "object_id", object))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201);
        drainOutbox();

        StorageFixtures.whileStorageIsDown(() -> {
            long started = System.nanoTime();
            Api.as(user.token()).delete("/v1/projects/" + project).then().statusCode(204);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

            StorageDeletionRelay.Step first = relay.deliverDue().await().atMost(STEP);
            assertThat(first.failed()).isGreaterThanOrEqualTo(1);
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                // First retry delay: 2 s.
                List<Object> row = sql.query("SELECT attempts, delivered_at IS NULL, last_error IS NOT NULL,"
                        + " extract(epoch FROM next_attempt_at - now()) BETWEEN 0.05 AND 2.05"
                        + " FROM storage_deletion_outbox WHERE object_id = ?::uuid", object).get(0);
                assertThat(row).containsExactly(1, true, true, true);
                makeDue(sql, object);
            }
            relay.deliverDue().await().atMost(STEP);
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                // The second failure waits twice as long: 4 s.
                List<Object> row = sql.query("SELECT attempts, delivered_at IS NULL,"
                        + " extract(epoch FROM next_attempt_at - now()) BETWEEN 2.05 AND 4.05"
                        + " FROM storage_deletion_outbox WHERE object_id = ?::uuid", object).get(0);
                assertThat(row).containsExactly(2, true, true);
                // Not due yet: a step leaves it alone.
                relay.deliverDue().await().atMost(STEP);
                assertThat(sql.value("SELECT attempts FROM storage_deletion_outbox WHERE object_id = ?::uuid", object))
                        .isEqualTo(2);
            }
            assertThat(StorageFixtures.storedCount(List.of(object))).isEqualTo(1);
        });

        drainOutbox();
        assertThat(StorageFixtures.storedCount(List.of(object))).isZero();
    }

    @Test
    void deletingAnObjectBackedGenerationResourceOrVideoQueuesItsObject() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String image = StorageFixtures.ready(user, "public", "image/png").getString("id");
        String generation = Api.as(user.token()).body(Map.of("type", "image", "object_id", image))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201).extract().path("id");
        String lora = StorageFixtures.ready(user, "lora_files", "application/octet-stream").getString("id");
        String resource = Api.as(user.token()).body(Map.of("type", "lora", "name", "L", "object_id", lora))
                .post("/v1/resources").then().statusCode(201).extract().path("id");
        String batch = Fixtures.batch(user);
        String clip = StorageFixtures.ready(user, "training-data", "video/mp4").getString("id");
        String video = Api.as(user.token()).body(Map.of("object_id", clip, "filename", "a.mp4"))
                .post("/v1/training-data/batches/" + batch + "/videos").then().statusCode(201).extract().path("id");
        String inBatch = StorageFixtures.ready(user, "training-data", "video/mp4").getString("id");
        Api.as(user.token()).body(Map.of("object_id", inBatch, "filename", "b.mp4"))
                .post("/v1/training-data/batches/" + batch + "/videos").then().statusCode(201);

        Api.as(user.token()).delete("/v1/generations/" + generation).then().statusCode(204);
        Api.as(user.token()).delete("/v1/resources/" + resource).then().statusCode(204);
        Api.as(user.token()).delete("/v1/training-data/videos/" + video).then().statusCode(204);
        Api.as(user.token()).delete("/v1/training-data/batches/" + batch).then().statusCode(204);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.query("SELECT reason FROM storage_deletion_outbox WHERE object_id IN"
                    + " (?::uuid, ?::uuid, ?::uuid, ?::uuid) ORDER BY id", image, lora, clip, inBatch))
                    .extracting(row -> row.get(0)).containsExactly("generation_deleted", "resource_deleted",
                            "training_data_deleted", "training_data_deleted");
        }
        drainOutbox();
        assertThat(StorageFixtures.storedCount(List.of(image, lora, clip, inBatch))).isZero();
    }

    @Test
    void theObjectsOfVariantsAreQueuedWhenNothingUsesThemAnyMore() {
        User user = Fixtures.user();
        String project = Fixtures.project(user);
        String original = StorageFixtures.ready(user, "public", "image/png").getString("id");
        String generation = Api.as(user.token()).body(Map.of("type", "image", "object_id", original))
                .post("/v1/projects/" + project + "/generations").then().statusCode(201).extract().path("id");
        String base = "/v1/generations/" + generation + "/variants";
        String edited = StorageFixtures.ready(user, "public", "image/png").getString("id");
        String edit = Api.as(user.token()).body(Map.of("object_id", edited, "variant_type", "magic_edit")).post(base)
                .then().statusCode(201).body("object_id", org.hamcrest.Matchers.equalTo(edited)).extract().path("id");
        String upscaled = StorageFixtures.ready(user, "public", "image/png").getString("id");
        Api.as(user.token()).body(Map.of("object_id", upscaled, "variant_type", "upscaled", "is_primary", true))
                .post(base).then().statusCode(201);
        // An object of the wrong kind, or someone else's, cannot back a variant.
        String video = StorageFixtures.ready(user, "public", "video/mp4").getString("id");
        Api.as(user.token()).body(Map.of("object_id", video)).post(base).then().statusCode(422)
                .body("code", org.hamcrest.Matchers.equalTo("content_type_mismatch"));
        User other = Fixtures.user();
        String theirs = StorageFixtures.ready(other, "public", "image/png").getString("id");
        Api.as(user.token()).body(Map.of("object_id", theirs)).post(base).then().statusCode(404);

        Api.as(user.token()).delete(base + "/" + edit).then().statusCode(204);
        // The original's object is the generation's too: it stays until the generation goes.
        Api.as(user.token()).delete("/v1/generations/" + generation).then().statusCode(204);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.query("SELECT object_id::text, reason FROM storage_deletion_outbox WHERE object_id IN"
                    + " (?::uuid, ?::uuid, ?::uuid) ORDER BY id", edited, original, upscaled))
                    .containsExactlyInAnyOrder(List.of(edited, "variant_deleted"), List.of(original, "generation_deleted"),
                            List.of(upscaled, "generation_deleted"));
        }
        drainOutbox();
        assertThat(StorageFixtures.storedCount(List.of(original, edited, upscaled))).isZero();
    }

    @Test
    void concurrentRelayStepsShareTheRowsAndDeliverEachOnce() throws Exception {
        drainOutbox();
        List<String> objects = new ArrayList<>();
        try (SqlSession sql = SqlSession.as("reigh_projects")) {
            for (int i = 0; i < 40; i++) {
                UUID id = UUID.randomUUID();
                objects.add(id.toString());
                sql.update("INSERT INTO storage_deletion_outbox (object_id, reason) VALUES (?, 'test')", id);
            }
        }
        // The test batch is 10 rows: four steps at once take four disjoint batches (SKIP LOCKED).
        List<StorageDeletionRelay.Step> steps = Race.run(4, () -> relay.deliverDue().await().atMost(STEP));
        assertThat(steps).extracting(StorageDeletionRelay.Step::delivered).containsExactly(10, 10, 10, 10);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM storage_deletion_outbox WHERE object_id = ANY(?::uuid[])"
                    + " AND delivered_at IS NOT NULL AND attempts = 1", (Object) objects.toArray(String[]::new)))
                    .isEqualTo(40);
        }
    }

    @Test
    void aScheduledRunDrainsABacklogInBoundedSteps() {
        drainOutbox();
        List<String> objects = new ArrayList<>();
        try (SqlSession sql = SqlSession.as("reigh_projects")) {
            for (int i = 0; i < 25; i++) {
                UUID id = UUID.randomUUID();
                objects.add(id.toString());
                sql.update("INSERT INTO storage_deletion_outbox (object_id, reason) VALUES (?, 'test')", id);
            }
        }
        // Batches of 10: one run takes 10, 10, then 5 (not a full batch: it stops).
        relay.run().await().atMost(STEP);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.count("SELECT count(*) FROM storage_deletion_outbox WHERE object_id = ANY(?::uuid[])"
                    + " AND delivered_at IS NOT NULL", (Object) objects.toArray(String[]::new))).isEqualTo(25);
        }
    }

    /** Makes every undelivered row due and steps the relay until storage-service acknowledged them all. */
    private void drainOutbox() {
        boolean drained = StorageFixtures.eventually(STEP, () -> {
            try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
                sql.update("UPDATE storage_deletion_outbox SET next_attempt_at = now() WHERE delivered_at IS NULL");
                relay.deliverDue().await().atMost(STEP);
                return sql.count("SELECT count(*) FROM storage_deletion_outbox WHERE delivered_at IS NULL") == 0;
            }
        });
        assertThat(drained).as("storage-service acknowledges every queued deletion").isTrue();
    }

    private static long queued(SqlSession sql, String objectId) {
        return sql.count("SELECT count(*) FROM storage_deletion_outbox WHERE object_id = ?::uuid"
                + " AND reason = 'project_deleted'", objectId);
    }

    private static void makeDue(SqlSession sql, String objectId) {
        sql.update("UPDATE storage_deletion_outbox SET next_attempt_at = ? WHERE object_id = ?::uuid",
                OffsetDateTime.now().minusSeconds(1), objectId);
    }

    /** A task of the project, as tasks-service would have written it. */
    private static UUID insertTask(User user, String project) {
        try (SqlSession tasks = SqlSession.as("reigh_tasks").actingAsService()) {
            String type = (String) tasks.value("SELECT task_type FROM task_cost_configs ORDER BY task_type LIMIT 1");
            return (UUID) tasks.value("INSERT INTO tasks (project_id, user_id, task_type, params)"
                    + " VALUES (?::uuid, ?, ?, '{}'::jsonb) RETURNING id", project, user.id(), type);
        }
    }
}
