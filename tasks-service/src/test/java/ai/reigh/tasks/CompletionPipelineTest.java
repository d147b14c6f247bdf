package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.ReighTestEnvironment;
import ai.reigh.common.testing.ServiceProcess;
import ai.reigh.common.testing.SqlSession;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The completion pipeline end to end, through the real receivers (projects-service and
 * credits-service started from their jars): exactly one generation and one spend per task whatever
 * the replays, delivery surviving a receiver that is down, and worker uploads confirmed with
 * storage-service.
 */
@QuarkusTest
class CompletionPipelineTest {
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    private static long count(String sql, Object... args) {
        try (SqlSession session = SqlSession.as("reigh_owner").actingAsService()) {
            return session.count(sql, args);
        }
    }

    private static long generations(UUID taskId) {
        return count("SELECT count(*) FROM generations WHERE task_id = ?", taskId);
    }

    private static long spends(UUID taskId) {
        return count("SELECT count(*) FROM credits_ledger WHERE task_id = ? AND type = 'spend'", taskId);
    }

    private static long completeTransitions(UUID taskId) {
        return count("SELECT count(*) FROM realtime_events WHERE row_id = ? AND status = 'Complete'", taskId);
    }

    private static UUID shot(Fixtures.Owner owner) {
        UUID id = UUID.randomUUID();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO shots (id, project_id, name, \"order\") VALUES (?, ?, 'shot', 0)", id, owner.projectId());
        }
        return id;
    }

    @Test
    void aCompletionReplayedThreeTimesMakesOneGenerationLinkedToItsShotAndOneSpend() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID shot = shot(owner);
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image", Map.of("prompt", "a fox", "shot_id", shot.toString(),
                "add_in_position", true, "resolution", "1024x1024"), List.of());
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "replayer");
        Api.as(worker).body(body("lease_token", claimed.leaseToken())).post("/v1/workers/tasks/" + taskId + "/start")
                .then().statusCode(200);
        var completion = body("lease_token", claimed.leaseToken(), "output_location", "https://cdn.test/fox.png",
                "thumbnail_url", "https://cdn.test/fox-thumb.png", "result_data", Map.of("seconds", 4.2));
        String firstAnswer = null;
        for (int i = 0; i < 3; i++) {
            Response answer = Api.as(worker).body(completion).post("/v1/workers/tasks/" + taskId + "/complete");
            answer.then().statusCode(200).body("status", equalTo("Complete"))
                    .body("output_location", equalTo("https://cdn.test/fox.png"));
            String processedAt = answer.path("generation_processed_at");
            if (firstAnswer == null) {
                firstAnswer = processedAt;
            }
            assertThat(processedAt).as("replay %d answers the first result", i).isEqualTo(firstAnswer);
        }
        // The same lease with another result is not a replay.
        Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "https://cdn.test/other.png"))
                .post("/v1/workers/tasks/" + taskId + "/complete").then().statusCode(409).body("code", equalTo("conflict"));

        // Delivered: the receivers wrote them, then the relay marked both outbox rows (a moment later).
        Fixtures.await("the generation and the spend", DELIVERY, () -> generations(taskId) == 1 && spends(taskId) == 1
                && count("SELECT count(*) FROM task_outbox WHERE task_id = ? AND delivered_at IS NOT NULL", taskId) == 2);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            List<Object> generation = sql.query("SELECT g.type, g.url, g.thumbnail_url, g.params ->> 'prompt',"
                    + " sg.shot_id, sg.position FROM generations g JOIN shot_generations sg ON sg.generation_id = g.id"
                    + " WHERE g.task_id = ?", taskId).get(0);
            assertThat(generation).containsExactly("image", "https://cdn.test/fox.png", "https://cdn.test/fox-thumb.png",
                    "a fox", shot, 0);
            // Priced by credits-service from the task's params: per unit 0.025 × resolution factor 2.
            assertThat(sql.value("SELECT amount FROM credits_ledger WHERE task_id = ? AND type = 'spend'", taskId)
                    .toString()).isEqualTo("-0.050");
        }
        assertThat(completeTransitions(taskId)).isEqualTo(1);
    }

    /** A generation of the owner's project with its original variant as primary, as an upload leaves it. */
    private static UUID generationWithOriginal(Fixtures.Owner owner, String url) {
        try (SqlSession sql = SqlSession.as("reigh_projects").actingAsService()) {
            UUID generation = (UUID) sql.value("INSERT INTO generations (project_id, type, url) VALUES (?, 'image', ?)"
                    + " RETURNING id", owner.projectId(), url);
            sql.update("WITH v AS (INSERT INTO generation_variants (generation_id, project_id, url, is_primary, variant_type)"
                    + " VALUES (?, ?, ?, true, 'original') RETURNING id, generation_id)"
                    + " UPDATE generations g SET primary_variant_id = v.id FROM v WHERE g.id = v.generation_id",
                    generation, owner.projectId(), url);
            return generation;
        }
    }

    @Test
    void anUpscaleOfAGenerationReplayedThreeTimesAddsOneVariantToIt() {
        Fixtures.Owner owner = Fixtures.owner();
        UUID source = generationWithOriginal(owner, "https://cdn.test/source.png");
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image", Map.of("prompt", "sharper", "based_on",
                source.toString(), "variant_type", "upscaled", "is_primary", true), List.of());
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "upscaler");
        var completion = body("lease_token", claimed.leaseToken(), "output_location", "https://cdn.test/source-2x.png",
                "thumbnail_url", "https://cdn.test/source-2x-thumb.png");
        for (int i = 0; i < 3; i++) {
            Api.as(worker).body(completion).post("/v1/workers/tasks/" + taskId + "/complete").then().statusCode(200);
        }
        Fixtures.await("the variant and the spend", DELIVERY, () -> spends(taskId) == 1
                && count("SELECT count(*) FROM task_outbox WHERE task_id = ? AND delivered_at IS NOT NULL", taskId) == 2);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.query("SELECT v.generation_id, v.variant_type, v.is_primary, v.url, v.params ->> 'prompt'"
                    + " FROM generation_variants v WHERE v.task_id = ?", taskId)).containsExactly(List.of(source,
                    "upscaled", true, "https://cdn.test/source-2x.png", "sharper"));
            assertThat(sql.query("SELECT url, thumbnail_url, tasks @> ARRAY[?]::uuid[],"
                    + " (SELECT count(*) FROM generation_variants WHERE generation_id = g.id)"
                    + " FROM generations g WHERE id = ?", taskId, source)).containsExactly(List.of(
                    "https://cdn.test/source-2x.png", "https://cdn.test/source-2x-thumb.png", true, 2L));
        }
        assertThat(generations(taskId)).as("no generation of its own").isZero();
    }

    @Test
    void eightParallelCompletionsMakeOneTransitionOneGenerationAndOneSpend() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "wan_2_2_i2v");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "racer");
        int racers = 8;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location",
                            "https://cdn.test/clip.mp4")).post("/v1/workers/tasks/" + taskId + "/complete");
                }));
            }
            for (Future<Response> answer : answers) {
                Response response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
                assertThat((String) response.path("status")).isEqualTo("Complete");
            }
        } finally {
            pool.shutdownNow();
        }
        Fixtures.await("the generation and the spend", DELIVERY, () -> generations(taskId) == 1 && spends(taskId) == 1);
        assertThat(completeTransitions(taskId)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM task_outbox WHERE task_id = ?", taskId)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM generations WHERE task_id = ? AND type = 'video'", taskId)).isEqualTo(1);
    }

    @Test
    void aChargeWaitsForCreditsServiceToComeBack() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "image_edit");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "patient");
        ServiceProcess credits = ReighTestEnvironment.sibling("credits");
        credits.stop();
        try {
            Api.as(worker).body(body("lease_token", claimed.leaseToken(), "output_location", "https://cdn.test/e.png"))
                    .post("/v1/workers/tasks/" + taskId + "/complete").then().statusCode(200);
            // projects-service is up: the generation arrives; the charge is retried.
            Fixtures.await("the generation", DELIVERY, () -> generations(taskId) == 1);
            Fixtures.await("failed charge deliveries", DELIVERY, () -> count("SELECT count(*) FROM task_outbox WHERE"
                    + " task_id = ? AND kind = 'charge' AND attempts >= 2 AND delivered_at IS NULL AND last_error IS NOT NULL",
                    taskId) == 1);
            assertThat(spends(taskId)).isZero();
        } finally {
            credits.start();
        }
        Fixtures.await("the charge after credits-service is back", DELIVERY, () -> spends(taskId) == 1);
        // The spend commits in credits-service before the relay records the acknowledgement.
        Fixtures.await("the charge marked delivered", DELIVERY, () -> count("SELECT count(*) FROM task_outbox"
                + " WHERE task_id = ? AND kind = 'charge' AND delivered_at IS NOT NULL AND parked_at IS NULL", taskId) == 1);
        assertThat(spends(taskId)).isEqualTo(1);
    }

    @Test
    void whatIsNotAGenerationOrNotChargedWritesNoSuchOutboxRow() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID orchestrator = Fixtures.createTask(owner, "travel_orchestrator");
        UUID skipped = Fixtures.createTask(owner, "single_image", Map.of("skip_generation", true), List.of());
        UUID training = Fixtures.createTask(owner, "lora_training");
        Response claim = Fixtures.claim(worker, body("worker_id", "kinds", "limit", 3));
        claim.then().statusCode(200);
        List<String> ids = claim.path("tasks.id");
        assertThat(ids).hasSize(3);
        UUID orchestratorLease = null;
        for (int i = 0; i < ids.size(); i++) {
            UUID lease = UUID.fromString(claim.path("tasks[" + i + "].lease_token"));
            if (ids.get(i).equals(orchestrator.toString())) {
                orchestratorLease = lease;
                continue;
            }
            Api.as(worker).body(body("lease_token", lease, "output_location", "https://cdn.test/" + i + ".png"))
                    .post("/v1/workers/tasks/" + ids.get(i) + "/complete").then().statusCode(200);
        }
        UUID child = UUID.fromString(Api.as(worker).body(body("parent_task_id", orchestrator, "lease_token",
                orchestratorLease, "task_type", "travel_segment")).post("/v1/workers/tasks").then().statusCode(201)
                .extract().path("id"));
        Fixtures.Claimed childClaim = Fixtures.claimOne(worker, "kinds");
        assertThat(childClaim.taskId()).isEqualTo(child);
        Api.as(worker).body(body("lease_token", childClaim.leaseToken(), "output_location", "https://cdn.test/seg.mp4"))
                .post("/v1/workers/tasks/" + child + "/complete").then().statusCode(200);
        Api.as(worker).body(body("lease_token", orchestratorLease, "output_location", "https://cdn.test/travel.mp4"))
                .post("/v1/workers/tasks/" + orchestrator + "/complete").then().statusCode(200);

        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            String kinds = "SELECT string_agg(kind, ',' ORDER BY kind) FROM task_outbox WHERE task_id = ?";
            assertThat(sql.value(kinds, orchestrator)).isEqualTo("charge");
            assertThat(sql.value(kinds, skipped)).isEqualTo("charge");
            assertThat(sql.value(kinds, training)).isEqualTo("charge");
            // A sub-task is charged on its own (security review, finding 1).
            assertThat(sql.value(kinds, child)).isEqualTo("charge,generation");
        }
        Fixtures.await("the sub-task's generation and spend, the orchestrator's charge answered", DELIVERY,
                () -> generations(child) == 1 && spends(child) == 1 && count("SELECT count(*) FROM task_outbox"
                        + " WHERE task_id = ? AND kind = 'charge' AND delivered_at IS NOT NULL", orchestrator) == 1);
        // A per_second orchestrator's own time is not billed: its price is zero, and zero writes no entry.
        assertThat(spends(orchestrator)).isZero();
        assertThat(generations(orchestrator)).isZero();
    }

    @Test
    void aGenerationTheReceiverRefusesIsParkedNotRetried() {
        UUID taskId = UUID.randomUUID();
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO task_outbox (task_id, kind, payload) VALUES (?, 'generation', jsonb_build_object("
                    + "'task_id', ?::text, 'project_id', ?::text, 'type', 'image', 'url', 'https://cdn.test/gone.png',"
                    + " 'metadata', '{}'::jsonb))", taskId, taskId.toString(), UUID.randomUUID().toString());
        }
        Fixtures.await("the refusal", DELIVERY, () -> count("SELECT count(*) FROM task_outbox WHERE task_id = ?"
                + " AND parked_at IS NOT NULL AND delivered_at IS NULL AND last_error LIKE '%404 not_found%'", taskId) == 1);
        assertThat(count("SELECT attempts FROM task_outbox WHERE task_id = ?", taskId)).isEqualTo(1);
    }

    @Test
    void aWorkersUploadIsConfirmedWithStorageServiceWhileCompleting() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "uploader");
        Response ticket = Fixtures.uploadTicket(worker, taskId, claimed.leaseToken());
        UUID objectId = UUID.fromString(ticket.path("object_id"));
        String path = "/v1/workers/tasks/" + taskId + "/complete";
        var completion = body("lease_token", claimed.leaseToken(), "object_id", objectId);

        // Not uploaded yet: storage-service says the bytes are missing, the task stays In Progress.
        Api.as(worker).body(completion).post(path).then().statusCode(409);
        assertThat(Fixtures.status(taskId)).isEqualTo("In Progress");

        Fixtures.upload(ticket);

        Response done = Api.as(worker).body(completion).post(path);
        done.then().statusCode(200).body("status", equalTo("Complete"));
        String url = done.path("output_location");
        assertThat(url).startsWith("http").contains(taskId.toString());
        Api.as(worker).body(completion).post(path).then().statusCode(200).body("output_location", equalTo(url));
        Fixtures.await("the generation of the upload", DELIVERY, () -> count("SELECT count(*) FROM generations"
                + " WHERE task_id = ? AND object_id = ? AND url = ?", taskId, objectId, url) == 1);
    }

    @Test
    void theUploadOfACompletionThatLostItsLeaseIsReleasedNotLeftInTheOwnersStorage() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID taskId = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed first = Fixtures.claimOne(worker, "fenced-1");
        String storage = ReighTestEnvironment.sibling("storage").url();
        Response ticket = Fixtures.uploadTicket(worker, taskId, first.leaseToken());
        UUID objectId = UUID.fromString(ticket.path("object_id"));
        Fixtures.upload(ticket);
        // An attempt that confirmed the upload, then died with the service before recording the completion.
        Response confirmed = Api.as(ai.reigh.common.testing.Tokens.service()).body(body("task_id", taskId))
                .post(storage + "/internal/v1/storage/objects/" + objectId + "/confirm");
        confirmed.then().statusCode(200).body("status", equalTo("ready"));
        String publicPath = "/storage/v1/object/public/public/" + confirmed.path("key");
        Api.given().get(storage + publicPath).then().statusCode(200);
        // Meanwhile the lease was taken back and the task went to another worker.
        Fixtures.takeLeaseBack(taskId);
        Fixtures.Claimed second = Fixtures.claimOne(worker, "fenced-2");
        assertThat(second.taskId()).isEqualTo(taskId);

        String path = "/v1/workers/tasks/" + taskId + "/complete";
        Api.as(worker).body(body("lease_token", first.leaseToken(), "object_id", objectId)).post(path).then()
                .statusCode(409).body("code", equalTo("lease_lost"));
        assertThat(count("SELECT count(*) FROM storage_objects WHERE id = ?", objectId)).as("the unused upload's row")
                .isZero();
        Api.given().get(storage + publicPath).then().statusCode(404);
        assertThat(Fixtures.status(taskId)).isEqualTo("In Progress");

        // The worker that holds the lease completes as usual, with one generation.
        Api.as(worker).body(body("lease_token", second.leaseToken(), "output_location", "https://cdn.example.com/out.png"))
                .post(path).then().statusCode(200).body("status", equalTo("Complete"));
        Fixtures.await("the generation", DELIVERY, () -> generations(taskId) == 1);
    }
}
