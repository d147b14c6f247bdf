package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * POST /internal/v1/charges: the formula, one spend per task, sub-tasks charged on their own, orchestrators'
 * own time not billed, versions.
 */
@QuarkusTest
class ChargesTest {

    @Test
    void perSecondTenPointTwoSecondsAtTheStandardRateCosts0_306() {
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(30);
        Instant processed = started.plusMillis(10_200);
        UUID task = Fixtures.completeTask(user, "travel_segment", started, processed);

        JsonPath entry = Fixtures.postCharge(Fixtures.charge(task, user, "travel_segment", Map.of(), started, processed))
                .then().statusCode(201).extract().jsonPath();

        assertThat(entry.getObject("amount", BigDecimal.class)).isEqualByComparingTo("-0.306");
        assertThat(entry.getString("type")).isEqualTo("spend");
        assertThat(entry.getString("task_id")).isEqualTo(task.toString());
        assertThat(entry.getLong("metadata.seconds")).isEqualTo(11);
        assertThat(entry.getObject("metadata.base_cost_per_second", BigDecimal.class)).isEqualByComparingTo("0.0278");
        assertThat(entry.getString("metadata.task_type")).isEqualTo("travel_segment");
        assertThat(entry.getString("metadata.billing_type")).isEqualTo("per_second");
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-0.306");
    }

    @Test
    void perUnitWithResolutionThreeAndModelTypeTwoCosts0_150() {
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(20);
        UUID task = Fixtures.completeTask(user, "single_image", started, started.plusSeconds(7));
        Map<String, Object> params = Map.of("resolution", "2048x2048", "model_type", "pro", "prompt", "a cat");

        JsonPath entry = Fixtures.postCharge(Fixtures.charge(task, user, "single_image", params, started, started.plusSeconds(7)))
                .then().statusCode(201).extract().jsonPath();

        assertThat(entry.getObject("amount", BigDecimal.class)).isEqualByComparingTo("-0.150");
        assertThat(entry.getObject("metadata.unit_cost", BigDecimal.class)).isEqualByComparingTo("0.025");
        assertThat(entry.getObject("metadata.resolution_factor", BigDecimal.class)).isEqualByComparingTo("3");
        assertThat(entry.getObject("metadata.model_type_factor", BigDecimal.class)).isEqualByComparingTo("2");
        assertThat(entry.getString("metadata.resolution")).isEqualTo("2048x2048");
    }

    @Test
    void perSecondWithResolutionFrameCountAndModelTypeCosts24() {
        String type = TaskCosts.create(Map.of("billing_type", "per_second", "base_cost_per_second", new BigDecimal("2"),
                "cost_factors", Map.of("resolution", Map.of("1080p", new BigDecimal("1.5")), "frameCount",
                        new BigDecimal("0.1"), "modelType", Map.of("large", 2))));
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(10);
        UUID task = Fixtures.completeTask(user, type, started, started.plusSeconds(3));
        Map<String, Object> params = Map.of("resolution", "1080p", "frame_count", 10, "model_type", "large");

        JsonPath entry = Fixtures.postCharge(Fixtures.charge(task, user, type, params, started, started.plusSeconds(3)))
                .then().statusCode(201).extract().jsonPath();

        assertThat(entry.getObject("amount", BigDecimal.class)).isEqualByComparingTo("-24");
        assertThat(entry.getLong("metadata.seconds")).isEqualTo(3);
        assertThat(entry.getObject("metadata.frame_count_factor", BigDecimal.class)).isEqualByComparingTo("0.1");
    }

    @Test
    void eightParallelChargesOfOneTaskWriteOneEntry() {
        UUID user = Fixtures.user();
        Fixtures.grant(user, "10");
        Instant started = Instant.now().minusSeconds(60);
        Instant processed = started.plusSeconds(40);
        UUID task = Fixtures.completeTask(user, "travel_segment", started, processed);
        Map<String, Object> body = Fixtures.charge(task, user, "travel_segment", Map.of(), started, processed);

        List<Response> answers = Race.run(8, i -> Fixtures.postCharge(body));

        assertThat(answers).extracting(Response::statusCode).containsOnly(200, 201);
        assertThat(answers.stream().filter(a -> a.statusCode() == 201)).hasSize(1);
        Set<String> ids = answers.stream().map(a -> a.jsonPath().getString("id")).collect(Collectors.toSet());
        assertThat(ids).hasSize(1).doesNotContainNull();
        assertThat(Fixtures.entries("task_id = ? AND type = 'spend'", task)).isEqualTo(1);
        // 40 s × 0.0278 = 1.112, taken once.
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("8.888");
        assertThat(Fixtures.balance(user)).isEqualByComparingTo(Fixtures.ledgerSum(user));
    }

    @Test
    void aReplayAnswersTheExistingSpendWith200() {
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(60);
        UUID task = Fixtures.completeTask(user, "image_edit", started, started.plusSeconds(5));
        Map<String, Object> body = Fixtures.charge(task, user, "image_edit", Map.of(), started, started.plusSeconds(5));

        String first = Fixtures.postCharge(body).then().statusCode(201).extract().path("id");
        String again = Fixtures.postCharge(body).then().statusCode(200).extract().path("id");

        assertThat(again).isEqualTo(first);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-0.03");
    }

    @Test
    void aChargeIsNeverRefusedForLackOfBalance() {
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(60);
        UUID task = Fixtures.completeTask(user, "lora_training", started, started.plusSeconds(50));

        Fixtures.postCharge(Fixtures.charge(task, user, "lora_training", Map.of(), started, started.plusSeconds(50)))
                .then().statusCode(201);

        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-2.5");
    }

    @Test
    void aSubTaskIsChargedAtItsOwnTypesPriceWhateverBecameOfItsParent() {
        UUID user = Fixtures.user();
        UUID project = Fixtures.project(user);
        Instant started = Instant.now().minusSeconds(300);
        UUID cancelled = Fixtures.task(user, project, "travel_orchestrator", "Cancelled", null, started,
                started.plusSeconds(200));
        UUID running = Fixtures.runningTask(user, project, "travel_orchestrator", started);
        UUID segment = Fixtures.task(user, project, "travel_segment", "Complete", cancelled, started,
                started.plusMillis(10_200));
        UUID stitch = Fixtures.task(user, project, "join_final_stitch", "Complete", running, started.plusSeconds(20),
                started.plusSeconds(25));

        JsonPath segmentSpend = Fixtures.postCharge(Fixtures.charge(segment, user, "travel_segment", Map.of(), started,
                started.plusMillis(10_200))).then().statusCode(201).extract().jsonPath();
        JsonPath stitchSpend = Fixtures.postCharge(Fixtures.charge(stitch, user, "join_final_stitch", Map.of(),
                started.plusSeconds(20), started.plusSeconds(25))).then().statusCode(201).extract().jsonPath();

        // Each at its own type's rate for its own seconds: 11 s × 0.0278 and 5 s × 0.005.
        assertThat(segmentSpend.getObject("amount", BigDecimal.class)).isEqualByComparingTo("-0.306");
        assertThat(segmentSpend.getLong("metadata.seconds")).isEqualTo(11);
        assertThat(segmentSpend.getString("metadata.task_type")).isEqualTo("travel_segment");
        assertThat(segmentSpend.getString("metadata.parent_task_id")).isEqualTo(cancelled.toString());
        assertThat(stitchSpend.getObject("amount", BigDecimal.class)).isEqualByComparingTo("-0.025");
        assertThat(stitchSpend.getString("metadata.parent_task_id")).isEqualTo(running.toString());
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-0.331").isEqualByComparingTo(Fixtures.ledgerSum(user));
        // A replay answers the same spend.
        Fixtures.postCharge(Fixtures.charge(segment, user, "travel_segment", Map.of(), started,
                started.plusMillis(10_200))).then().statusCode(200).body("id", equalTo(segmentSpend.getString("id")));
    }

    @Test
    void aPerSecondOrchestratorsOwnTimeIsNotBilledWhateverItsSubTasks() {
        UUID user = Fixtures.user();
        UUID project = Fixtures.project(user);
        Instant started = Instant.now().minusSeconds(300);
        UUID orchestrator = Fixtures.task(user, project, "travel_orchestrator", "Complete", null, started,
                started.plusSeconds(200));
        Fixtures.task(user, project, "travel_segment", "Complete", orchestrator, started, started.plusSeconds(30));

        Response answer = Fixtures.postCharge(Fixtures.charge(orchestrator, user, "travel_orchestrator", Map.of(),
                started, started.plusSeconds(200)));

        answer.then().statusCode(200).body("id", nullValue()).body("metadata.charged", equalTo(false))
                .body("metadata.reason", equalTo("zero_cost")).body("metadata.seconds", equalTo(0));
        assertThat(answer.jsonPath().getObject("amount", BigDecimal.class)).isEqualByComparingTo("0");
        assertThat(Fixtures.entries("task_id = ?", orchestrator)).isZero();
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("0");
    }

    @Test
    void aPerUnitOrchestratorCostsItsUnitCost() {
        String type = TaskCosts.create(Map.of("billing_type", "per_unit", "unit_cost", new BigDecimal("0.5"),
                "category", "orchestration", "cost_factors", Map.of("modelType", Map.of("pro", 2))));
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(100);
        UUID orchestrator = Fixtures.completeTask(user, type, started, started.plusSeconds(60));

        JsonPath entry = Fixtures.postCharge(Fixtures.charge(orchestrator, user, type, Map.of("model_type", "pro"),
                started, started.plusSeconds(60))).then().statusCode(201).extract().jsonPath();

        assertThat(entry.getObject("amount", BigDecimal.class)).isEqualByComparingTo("-1");
        assertThat(entry.getObject("metadata.unit_cost", BigDecimal.class)).isEqualByComparingTo("0.5");
        assertThat(entry.getString("metadata.parent_task_id")).isNull();
    }

    @Test
    void aRateChangedMidTaskDoesNotChangeThatTasksPrice() {
        String type = TaskCosts.create(Map.of("billing_type", "per_second", "base_cost_per_second", new BigDecimal("1")));
        // Started the instant version 1 took effect; version 2's valid_from is later by construction.
        Instant started = TaskCosts.validFrom(type, 1);
        Instant processed = started.plusSeconds(10);
        TaskCosts.put(type, Map.of("billing_type", "per_second", "base_cost_per_second", new BigDecimal("5")))
                .then().statusCode(200).body("version", equalTo(2));
        Instant startedAfterChange = TaskCosts.validFrom(type, 2).plusMillis(1);

        UUID user = Fixtures.user();
        UUID before = Fixtures.completeTask(user, type, started, processed);
        UUID after = Fixtures.completeTask(user, type, startedAfterChange, startedAfterChange.plusSeconds(10));

        JsonPath old = Fixtures.postCharge(Fixtures.charge(before, user, type, Map.of(), started, processed))
                .then().statusCode(201).extract().jsonPath();
        JsonPath current = Fixtures.postCharge(Fixtures.charge(after, user, type, Map.of(), startedAfterChange,
                startedAfterChange.plusSeconds(10))).then().statusCode(201).extract().jsonPath();

        assertThat(old.getObject("amount", BigDecimal.class)).isEqualByComparingTo("-10");
        assertThat(old.getInt("metadata.config_version")).isEqualTo(1);
        assertThat(current.getObject("amount", BigDecimal.class)).isEqualByComparingTo("-50");
        assertThat(current.getInt("metadata.config_version")).isEqualTo(2);
    }

    @Test
    void aTaskThatIsNotCompleteOrDiffersFromItsRowIsRefused() {
        UUID user = Fixtures.user();
        UUID project = Fixtures.project(user);
        Instant started = Instant.now().minusSeconds(100);
        UUID failed = Fixtures.task(user, project, "image_edit", "Failed", null, started, started.plusSeconds(3));
        UUID complete = Fixtures.task(user, project, "image_edit", "Complete", null, started, started.plusSeconds(3));

        Fixtures.postCharge(Fixtures.charge(failed, user, "image_edit", Map.of(), started, started.plusSeconds(3)))
                .then().statusCode(422).body("code", equalTo("task_not_complete"));
        Fixtures.postCharge(Fixtures.charge(complete, Fixtures.user(), "image_edit", Map.of(), started, started.plusSeconds(3)))
                .then().statusCode(422).body("code", equalTo("task_mismatch"));
        Fixtures.postCharge(Fixtures.charge(complete, user, "single_image", Map.of(), started, started.plusSeconds(3)))
                .then().statusCode(422).body("code", equalTo("task_mismatch"));

        assertThat(Fixtures.entries("user_id = ?", user)).isZero();
    }

    @Test
    void aTaskWhoseRowIsGoneIsChargedAsTheRelayDescribesIt() {
        // The project (and its tasks) may be deleted between completion and the relay's delivery.
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(100);
        Fixtures.postCharge(Fixtures.charge(UUID.randomUUID(), user, "image_upscale", Map.of("resolution", "4x"), started,
                started.plusSeconds(2))).then().statusCode(201);

        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-0.04");
    }

    @Test
    void unknownTaskTypesAndUsersAreUnprocessable() {
        Instant started = Instant.now().minusSeconds(100);
        Fixtures.postCharge(Fixtures.charge(UUID.randomUUID(), Fixtures.user(), "no_such_type", Map.of(), started,
                started.plusSeconds(2))).then().statusCode(422).body("code", equalTo("unknown_task_type"));
        Fixtures.postCharge(Fixtures.charge(UUID.randomUUID(), UUID.randomUUID(), "image_edit", Map.of(), started,
                started.plusSeconds(2))).then().statusCode(422).body("code", equalTo("unknown_user"));
    }

    @Test
    void invalidChargesAre400WithFieldErrors() {
        Map<String, Object> body = new HashMap<>(Fixtures.charge(UUID.randomUUID(), UUID.randomUUID(), "image_edit",
                Map.of(), Instant.now(), Instant.now()));
        body.remove("task_id");
        body.put("started_at", null);
        Fixtures.postCharge(body).then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("task_id")).body("errors.field", hasItem("started_at"));

        body = new HashMap<>(Fixtures.charge(UUID.randomUUID(), UUID.randomUUID(), "image_edit", Map.of(), Instant.now(),
                Instant.now()));
        body.put("params", List.of(1, 2));
        Fixtures.postCharge(body).then().statusCode(400).body("errors.field", hasItem("params"));

        body.put("params", Map.of());
        body.put("task_type", "Robert'); DROP TABLE tasks;--");
        Fixtures.postCharge(body).then().statusCode(400).body("errors[0].field", equalTo("task_type"));

        body.put("task_type", "image_edit");
        body.put("amount", 5);
        // Not a 400: an internal body tolerates fields it does not know (a newer sender's); the field is
        // ignored and the next check answers (this user does not exist).
        Fixtures.postCharge(body).then().statusCode(422).body("code", equalTo("unknown_user"));
    }

    /**
     * Rolling upgrades, an old receiver and a new sender: a newer tasks-service adds fields to the charge
     * (here one that even sounds like money). This release charges it once, priced by its own formula, and
     * ignores what it does not know; a replay with the same fields is the same spend. Public bodies stay
     * strict: a grant with an unknown field is still refused.
     */
    @Test
    void aChargeCarryingFieldsOfANewerReleaseIsChargedOnceAtThisReleasesPrice() {
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(20);
        UUID task = Fixtures.completeTask(user, "single_image", started, started.plusSeconds(7));
        Map<String, Object> body = new HashMap<>(Fixtures.charge(task, user, "single_image", Map.of("prompt", "a cat"),
                started, started.plusSeconds(7)));
        body.put("amount", -1_000_000);
        body.put("billing_region", Map.of("name", "eu", "surcharge", 3));

        String first = Fixtures.postCharge(body).then().statusCode(201)
                .body("amount", org.hamcrest.Matchers.comparesEqualTo(new BigDecimal("-0.025"))).extract().path("id");
        Fixtures.postCharge(body).then().statusCode(200).body("id", equalTo(first));
        assertThat(Fixtures.entries("task_id = ? AND type = 'spend'", task)).isEqualTo(1);
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-0.025");

        Map<String, Object> grant = Map.of("user_id", user.toString(), "amount", 5, "reason", "x", "idempotency_key",
                "k-" + UUID.randomUUID(), "billing_region", "eu");
        Api.as(Tokens.admin(Fixtures.ADMIN)).body(grant).post("/v1/admin/credits/grants").then().statusCode(400)
                .body("code", equalTo("unknown_field")).body("errors[0].field", equalTo("billing_region"));
    }

    @Test
    void onlyServicesMayCharge() {
        UUID user = Fixtures.user();
        Map<String, Object> body = Fixtures.charge(UUID.randomUUID(), user, "image_edit", Map.of(), Instant.now(),
                Instant.now());
        Api.as(Tokens.user(user)).body(body).post("/internal/v1/charges").then().statusCode(403)
                .body("code", equalTo("forbidden"));
        Api.as(Tokens.admin(Fixtures.ADMIN)).body(body).post("/internal/v1/charges").then().statusCode(403);
        Api.as(Tokens.worker()).body(body).post("/internal/v1/charges").then().statusCode(403);
        Api.given().contentType("application/json").body(body).post("/internal/v1/charges").then().statusCode(401);
        assertThat(Fixtures.entries("user_id = ?", user)).isZero();
    }
}
