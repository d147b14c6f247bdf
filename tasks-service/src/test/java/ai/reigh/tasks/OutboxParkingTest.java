package ai.reigh.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.ReighTestEnvironment;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import ai.reigh.tasks.service.OutboxRelay;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * No money-moving effect is ever dropped: a charge the receiver refuses with a 4xx is parked (kept with
 * its payload and error, no longer retried), counted, listed for an admin, and charged exactly once when
 * an admin replays it after fixing the cause — also when two replays race.
 */
@QuarkusTest
class OutboxParkingTest {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OUTBOX = "/v1/admin/outbox";

    @Inject
    OutboxRelay relay;

    private static long count(String sql, Object... args) {
        try (SqlSession session = SqlSession.as("reigh_owner").actingAsService()) {
            return session.count(sql, args);
        }
    }

    private static long spends(UUID taskId) {
        return count("SELECT count(*) FROM credits_ledger WHERE task_id = ? AND type = 'spend'", taskId);
    }

    /**
     * A charge as the completing transaction writes it, for a task whose row is gone (its project was
     * deleted after completion: credits-service then charges as the request describes it).
     */
    private static long insertCharge(UUID taskId, UUID userId, String taskType) throws Exception {
        Map<String, Object> charge = new LinkedHashMap<>();
        charge.put("task_id", taskId.toString());
        charge.put("user_id", userId.toString());
        charge.put("task_type", taskType);
        charge.put("params", Map.of("prompt", "parked"));
        charge.put("started_at", Instant.now().minusSeconds(30).toString());
        charge.put("processed_at", Instant.now().minusSeconds(20).toString());
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return ((Number) sql.value("INSERT INTO task_outbox (task_id, kind, payload) VALUES (?, 'charge', ?::jsonb)"
                    + " RETURNING id", taskId, JSON.writeValueAsString(charge))).longValue();
        }
    }

    private static void awaitParked(UUID taskId) {
        Fixtures.await("the refused charge parked", DELIVERY, () -> count("SELECT count(*) FROM task_outbox"
                + " WHERE task_id = ? AND parked_at IS NOT NULL AND delivered_at IS NULL", taskId) == 1);
    }

    /** A sample of the service's Prometheus metrics: {@code name{kind="…"}}. */
    private static double metric(String name, String kind) {
        String metrics = Api.management().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*kind=\"" + kind + "\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertThat(value.find()).as(name + "{kind=" + kind + "} in /q/metrics").isTrue();
        return Double.parseDouble(value.group(1));
    }

    @Test
    void aRefusedChargeIsParkedCountedListedAndChargedOnceWhenReplayedAfterTheFix() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = UUID.randomUUID();
        // A task type credits-service has no price for yet (a newer release's type): 422 unknown_task_type.
        String taskType = "future_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        double parkingsBefore = metric("reigh_tasks_outbox_parkings_total", "charge");
        long id = insertCharge(taskId, owner.userId(), taskType);

        awaitParked(taskId);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            List<Object> row = sql.query("SELECT attempts, last_error, payload ->> 'task_type' FROM task_outbox WHERE id = ?",
                    id).get(0);
            assertThat(((Number) row.get(0)).intValue()).isEqualTo(1);
            assertThat((String) row.get(1)).contains("422").contains("unknown_task_type");
            assertThat(row.get(2)).as("the payload is kept").isEqualTo(taskType);
        }
        // Not retried: a relay run does not take it again.
        relay.deliverBatch().await().atMost(DELIVERY);
        assertThat(count("SELECT attempts FROM task_outbox WHERE id = ?", id)).isEqualTo(1);
        assertThat(spends(taskId)).isZero();
        // Counted: a parking, and the sampled gauge of parked rows.
        assertThat(metric("reigh_tasks_outbox_parkings_total", "charge")).isEqualTo(parkingsBefore + 1);
        Fixtures.await("the parked gauge sampled", DELIVERY, () -> metric("reigh_tasks_outbox_parked", "charge")
                == count("SELECT count(*) FROM task_outbox WHERE kind = 'charge' AND parked_at IS NOT NULL"));
        assertThat(metric("reigh_tasks_outbox_parked", "charge")).isGreaterThanOrEqualTo(1);

        // Listed for an admin, with what is needed to decide.
        UUID adminId = UUID.randomUUID();
        String admin = Tokens.admin(adminId);
        JsonPath list = Api.as(admin).get(OUTBOX + "?state=parked&kind=charge&limit=200").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Object> item = list.getMap("items.find { it.id == " + id + " }");
        assertThat(item).as("the parked row in the list").isNotNull();
        assertThat(item).containsEntry("task_id", taskId.toString()).containsEntry("kind", "charge")
                .containsEntry("state", "parked").containsEntry("attempts", 1).containsEntry("replays", 0);
        assertThat((String) item.get("last_error")).contains("unknown_task_type");
        assertThat(item.get("parked_at")).isNotNull();
        assertThat(item.get("replayed_at")).isNull();
        assertThat(list.getString("items.find { it.id == " + id + " }.payload.task_type")).isEqualTo(taskType);

        // The cause fixed (the type gets its price), then replayed by the admin: charged once.
        Api.as(admin).body(Map.of("billing_type", "per_unit", "unit_cost", new BigDecimal("0.5")))
                .put(ReighTestEnvironment.sibling("credits").url() + "/v1/admin/task-costs/" + taskType).then()
                .statusCode(201);
        Api.as(admin).post(OUTBOX + "/" + id + "/replay").then().statusCode(200).body("id", equalTo((int) id))
                .body("state", equalTo("pending")).body("attempts", equalTo(1)).body("replays", equalTo(1))
                .body("replayed_by", equalTo(adminId.toString())).body("parked_at", nullValue());
        Fixtures.await("the replayed charge", DELIVERY, () -> spends(taskId) == 1
                && count("SELECT count(*) FROM task_outbox WHERE id = ? AND delivered_at IS NOT NULL", id) == 1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            assertThat(sql.value("SELECT amount::text FROM credits_ledger WHERE task_id = ? AND type = 'spend'", taskId))
                    .isEqualTo("-0.500");
            List<Object> audit = sql.query("SELECT replayed_by, replayed_at IS NOT NULL, attempts, replays FROM task_outbox"
                    + " WHERE id = ?", id).get(0);
            assertThat(audit).containsExactly(adminId, true, 2, 1);
        }
        // Replaying what is not parked any more is refused, and charges nothing.
        Api.as(admin).post(OUTBOX + "/" + id + "/replay").then().statusCode(409).body("code", equalTo("not_parked"));
        Api.as(admin).post(OUTBOX + "/9223372036854775807/replay").then().statusCode(404);
        Api.as(admin).post(OUTBOX + "/not-a-number/replay").then().statusCode(404);
        assertThat(spends(taskId)).isEqualTo(1);
        Fixtures.await("the parked gauge sampled after the replay", DELIVERY, () -> metric("reigh_tasks_outbox_parked",
                "charge") == count("SELECT count(*) FROM task_outbox WHERE kind = 'charge' AND parked_at IS NOT NULL"));
    }

    @Test
    void aRefusedGenerationIsParkedTooAndCreatedOnceWhenReplayed() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        UUID taskId = UUID.randomUUID();
        UUID projectId = UUID.randomUUID();
        double parkingsBefore = metric("reigh_tasks_outbox_parkings_total", "generation");
        Map<String, Object> generation = Map.of("task_id", taskId.toString(), "project_id", projectId.toString(), "type",
                "image", "url", "https://cdn.test/parked.png", "metadata", Map.of());
        long id;
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            id = ((Number) sql.value("INSERT INTO task_outbox (task_id, kind, payload) VALUES (?, 'generation', ?::jsonb)"
                    + " RETURNING id", taskId, JSON.writeValueAsString(generation))).longValue();
        }
        // The project does not exist (yet): projects-service answers 404, the row is parked.
        awaitParked(taskId);
        assertThat(metric("reigh_tasks_outbox_parkings_total", "generation")).isEqualTo(parkingsBefore + 1);
        String admin = Tokens.admin(UUID.randomUUID());
        assertThat(Api.as(admin).get(OUTBOX + "?kind=generation&limit=200").then().statusCode(200).extract()
                .<List<Number>>path("items.id").stream().map(Number::longValue).toList()).contains(id);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO projects (id, user_id, name) VALUES (?, ?, 'restored')", projectId, owner.userId());
        }
        Api.as(admin).post(OUTBOX + "/" + id + "/replay").then().statusCode(200).body("kind", equalTo("generation"));
        Fixtures.await("the replayed generation", DELIVERY, () -> count("SELECT count(*) FROM generations"
                + " WHERE task_id = ? AND project_id = ?", taskId, projectId) == 1
                && count("SELECT count(*) FROM task_outbox WHERE id = ? AND delivered_at IS NOT NULL", id) == 1);
    }

    @Test
    void twoReplaysRacingChargeOnce() throws Exception {
        // A forged user id: credits-service refuses the charge (422 unknown_user) until the user exists.
        UUID userId = UUID.randomUUID();
        UUID taskId = UUID.randomUUID();
        long id = insertCharge(taskId, userId, "single_image");
        awaitParked(taskId);
        assertThat(count("SELECT count(*) FROM task_outbox WHERE id = ? AND last_error LIKE '%unknown_user%'", id))
                .isEqualTo(1);
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            sql.update("INSERT INTO users (id, email) VALUES (?, ?)", userId, userId + "@example.test");
        }

        int racers = 8;
        String admin = Tokens.admin(UUID.randomUUID());
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return Api.as(admin).post(OUTBOX + "/" + id + "/replay").statusCode();
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(30, TimeUnit.SECONDS));
            }
            assertThat(statuses).as("one replay, the others refused").containsOnly(200, 409)
                    .filteredOn(status -> status == 200).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        Fixtures.await("the replayed charge", DELIVERY, () -> spends(taskId) == 1
                && count("SELECT count(*) FROM task_outbox WHERE id = ? AND delivered_at IS NOT NULL", id) == 1);
        assertThat(count("SELECT replays FROM task_outbox WHERE id = ?", id)).isEqualTo(1);
        assertThat(spends(taskId)).isEqualTo(1);
    }

    @Test
    void theParkedListIsPagedNewestFirstAndFiltered() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID taskId = UUID.randomUUID();
            ids.add(insertCharge(taskId, owner.userId(), "gone_" + i + "_" + UUID.randomUUID().toString().substring(0, 8)));
            awaitParked(taskId);
        }
        String admin = Tokens.admin(UUID.randomUUID());
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page = Api.as(admin).get(OUTBOX + "?state=parked&kind=charge&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.then().statusCode(200);
            List<Number> pageIds = page.path("items.id");
            assertThat(pageIds.size()).isLessThanOrEqualTo(2);
            pageIds.forEach(n -> seen.add(n.longValue()));
            cursor = page.path("next_cursor");
            pages++;
        } while (cursor != null && pages < 1000);
        List<Long> ours = seen.stream().filter(ids::contains).toList();
        assertThat(ours).as("newest first, each once").containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(seen).doesNotHaveDuplicates();
        Api.as(admin).get(OUTBOX + "?state=parked&kind=generation&limit=200").then().statusCode(200)
                .body("items.kind.findAll { it != 'generation' }", org.hamcrest.Matchers.empty());
        Api.as(admin).get(OUTBOX + "?state=pending").then().statusCode(200);
        Api.as(admin).get(OUTBOX + "?state=lost").then().statusCode(400).body("errors[0].field", equalTo("state"));
        Api.as(admin).get(OUTBOX + "?kind=money").then().statusCode(400).body("errors[0].field", equalTo("kind"));
        Api.as(admin).get(OUTBOX + "?cursor=garbage").then().statusCode(400).body("code", equalTo("invalid_cursor"));
    }

    @Test
    void onlyAdminsListAndReplay() throws Exception {
        UUID taskId = UUID.randomUUID();
        long id = insertCharge(taskId, UUID.randomUUID(), "single_image");
        awaitParked(taskId);
        Fixtures.Owner owner = Fixtures.owner();
        for (String token : List.of(owner.token(), owner.localWorker(), Tokens.worker(), Tokens.service())) {
            Api.as(token).get(OUTBOX + "?state=parked").then().statusCode(403).body("code", equalTo("forbidden"));
            Api.as(token).post(OUTBOX + "/" + id + "/replay").then().statusCode(403).body("code", equalTo("forbidden"));
        }
        Api.given().get(OUTBOX).then().statusCode(401);
        Api.given().post(OUTBOX + "/" + id + "/replay").then().statusCode(401);
        assertThat(count("SELECT count(*) FROM task_outbox WHERE id = ? AND parked_at IS NOT NULL AND replays = 0", id))
                .isEqualTo(1);
    }
}
