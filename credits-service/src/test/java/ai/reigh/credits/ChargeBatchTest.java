package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * POST /internal/v1/charges/batch, the relay's call: each charge answered as the single call would answer
 * it, in order; a refused charge refused alone; each task charged once whatever the replays, repeats and
 * racing batches; balances equal to their ledgers.
 */
@QuarkusTest
class ChargeBatchTest {
    private static final String BATCH = "/internal/v1/charges/batch";

    private static Response post(List<?> charges) {
        return Api.as(Tokens.service()).body(Map.of("charges", charges)).post(BATCH);
    }

    @Test
    void eachChargeIsAnsweredInOrderAsTheSingleCallWouldAndRefusalsStayAlone() {
        UUID user = Fixtures.user();
        UUID project = Fixtures.project(user);
        Instant started = Instant.now().minusSeconds(60);
        Map<String, Object> image = Map.of("resolution", "2048x2048", "model_type", "pro");
        UUID perUnit = Fixtures.completeTask(user, "single_image", started, started.plusSeconds(7));
        UUID perSecond = Fixtures.completeTask(user, "travel_segment", started, started.plusMillis(10_200));
        UUID chargedBefore = Fixtures.completeTask(user, "single_image", started, started.plusSeconds(3));
        UUID orchestrator = Fixtures.task(user, project, "travel_orchestrator", "Complete", null, started,
                started.plusSeconds(50));
        UUID running = Fixtures.runningTask(user, project, "single_image", started);
        String before = Fixtures.postCharge(Fixtures.charge(chargedBefore, user, "single_image", Map.of(), started,
                started.plusSeconds(3))).then().statusCode(201).extract().path("id");
        Map<String, Object> missingUser = Fixtures.charge(UUID.randomUUID(), user, "single_image", Map.of(), started,
                started.plusSeconds(1));
        missingUser.remove("user_id");

        List<Object> charges = List.of(
                Fixtures.charge(perUnit, user, "single_image", image, started, started.plusSeconds(7)),
                Fixtures.charge(perSecond, user, "travel_segment", Map.of(), started, started.plusMillis(10_200)),
                Fixtures.charge(chargedBefore, user, "single_image", Map.of(), started, started.plusSeconds(3)),
                Fixtures.charge(orchestrator, user, "travel_orchestrator", Map.of(), started, started.plusSeconds(50)),
                Fixtures.charge(running, user, "single_image", Map.of(), started, started.plusSeconds(5)),
                Fixtures.charge(UUID.randomUUID(), user, "no_price_yet", Map.of(), started, started.plusSeconds(5)),
                Fixtures.charge(perUnit, user, "single_image", image, started, started.plusSeconds(7)),
                Fixtures.charge(UUID.randomUUID(), user, "Not-A-Type", Map.of(), started, started.plusSeconds(5)),
                missingUser,
                "not an object");
        JsonPath answer = post(charges).then().statusCode(200).extract().jsonPath();

        assertThat(answer.getList("results.status", Integer.class))
                .containsExactly(201, 201, 200, 200, 422, 422, 200, 400, 400, 400);
        assertThat(answer.getObject("results[0].entry.amount", BigDecimal.class)).isEqualByComparingTo("-0.150");
        assertThat(answer.getString("results[0].entry.metadata.resolution")).isEqualTo("2048x2048");
        assertThat(answer.getObject("results[1].entry.amount", BigDecimal.class)).isEqualByComparingTo("-0.306");
        assertThat(answer.getString("results[1].entry.metadata.billing_type")).isEqualTo("per_second");
        assertThat(answer.getString("results[2].entry.id")).as("the replay answers the spend made before").isEqualTo(before);
        assertThat(answer.getString("results[3].entry.id")).isNull();
        assertThat(answer.getString("results[3].entry.metadata.reason")).isEqualTo("zero_cost");
        assertThat(answer.getString("results[4].problem.code")).isEqualTo("task_not_complete");
        assertThat(answer.getString("results[5].problem.code")).isEqualTo("unknown_task_type");
        assertThat(answer.getString("results[6].entry.id")).as("a task twice in one batch: one spend")
                .isEqualTo(answer.getString("results[0].entry.id"));
        assertThat(answer.getString("results[7].problem.errors[0].field")).isEqualTo("task_type");
        assertThat(answer.getString("results[8].problem.errors[0].field")).isEqualTo("user_id");
        assertThat(answer.getString("results[8].task_id")).isEqualTo(missingUser.get("task_id"));
        assertThat(answer.getString("results[9].problem.code")).isEqualTo("validation_failed");
        assertThat(answer.getString("results[9].task_id")).isNull();
        assertThat(answer.getList("results.task_id").subList(0, 3))
                .containsExactly(perUnit.toString(), perSecond.toString(), chargedBefore.toString());

        for (UUID task : List.of(perUnit, perSecond, chargedBefore)) {
            assertThat(Fixtures.entries("task_id = ? AND type = 'spend'", task)).isEqualTo(1);
        }
        assertThat(Fixtures.entries("task_id IN (?, ?)", orchestrator, running)).isZero();
        BigDecimal balance = Fixtures.balance(user);
        assertThat(balance).isEqualByComparingTo(Fixtures.ledgerSum(user))
                .isEqualByComparingTo(new BigDecimal("-0.150").add(new BigDecimal("-0.306")).add(new BigDecimal("-0.025")));

        // The same batch again (a relay that lost the answer): every charge a replay, nothing moves.
        JsonPath again = post(charges).then().statusCode(200).extract().jsonPath();
        assertThat(again.getList("results.status", Integer.class))
                .containsExactly(200, 200, 200, 200, 422, 422, 200, 400, 400, 400);
        assertThat(again.getList("results.entry.id").subList(0, 3))
                .isEqualTo(answer.getList("results.entry.id").subList(0, 3));
        assertThat(Fixtures.balance(user)).isEqualByComparingTo(balance);
    }

    @Test
    void aChargeOfAUserWhoDoesNotExistIsRefusedAloneAndTheOthersAreCharged() {
        UUID user = Fixtures.user();
        Instant started = Instant.now().minusSeconds(60);
        UUID task = Fixtures.completeTask(user, "single_image", started, started.plusSeconds(3));
        UUID nobody = UUID.randomUUID();
        UUID orphan = UUID.randomUUID();

        JsonPath answer = post(List.of(Fixtures.charge(task, user, "single_image", Map.of(), started, started.plusSeconds(3)),
                Fixtures.charge(orphan, nobody, "single_image", Map.of(), started, started.plusSeconds(3))))
                .then().statusCode(200).extract().jsonPath();

        assertThat(answer.getList("results.status", Integer.class)).containsExactly(201, 422);
        assertThat(answer.getString("results[1].problem.code")).isEqualTo("unknown_user");
        assertThat(Fixtures.entries("task_id = ?", task)).isEqualTo(1);
        assertThat(Fixtures.entries("task_id = ?", orphan)).isZero();
        assertThat(Fixtures.balance(user)).isEqualByComparingTo("-0.025").isEqualByComparingTo(Fixtures.ledgerSum(user));
    }

    @Test
    void batchesRacingOverTheSameTasksInDifferentOrdersChargeEachTaskOnce() {
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            users.add(Fixtures.user());
        }
        Instant started = Instant.now().minusSeconds(60);
        List<Map<String, Object>> charges = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            UUID user = users.get(i % users.size());
            UUID task = Fixtures.completeTask(user, "single_image", started, started.plusSeconds(3));
            charges.add(Fixtures.charge(task, user, "single_image", Map.of(), started, started.plusSeconds(3)));
        }
        int racers = 8;
        // Each racer sends all the charges, in an order of its own: users locked in different orders.
        List<JsonPath> answers = Race.run(racers, racer -> {
            List<Map<String, Object>> order = new ArrayList<>(charges);
            Collections.shuffle(order, new Random(racer));
            return post(order).then().statusCode(200).extract().jsonPath();
        });

        Map<String, Integer> created = new HashMap<>();
        Map<String, String> entryOfTask = new HashMap<>();
        for (JsonPath answer : answers) {
            assertThat(answer.getList("results.status", Integer.class)).hasSize(charges.size()).isSubsetOf(200, 201);
            for (int i = 0; i < charges.size(); i++) {
                String task = answer.getString("results[" + i + "].task_id");
                if (answer.getInt("results[" + i + "].status") == 201) {
                    created.merge(task, 1, Integer::sum);
                }
                String entry = answer.getString("results[" + i + "].entry.id");
                assertThat(entryOfTask.putIfAbsent(task, entry)).as("every answer names the one spend of " + task)
                        .isIn(null, entry);
            }
        }
        assertThat(created).as("one 201 per task across all the racing batches").hasSize(charges.size())
                .allSatisfy((task, count) -> assertThat(count).isEqualTo(1));
        for (Map<String, Object> charge : charges) {
            assertThat(Fixtures.entries("task_id = ?::uuid AND type = 'spend'", charge.get("task_id"))).isEqualTo(1);
        }
        for (UUID user : users) {
            assertThat(Fixtures.balance(user)).isEqualByComparingTo("-0.150").isEqualByComparingTo(Fixtures.ledgerSum(user));
        }
    }

    @Test
    void aBatchIsBoundedAndOnlyForServices() {
        Instant started = Instant.now().minusSeconds(60);
        Map<String, Object> one = Fixtures.charge(UUID.randomUUID(), UUID.randomUUID(), "single_image", Map.of(), started,
                started.plusSeconds(1));
        post(List.of()).then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("charges"));
        post(Collections.nCopies(101, one)).then().statusCode(400).body("errors[0].field", equalTo("charges"));
        Api.as(Tokens.service()).body(Map.of()).post(BATCH).then().statusCode(400).body("errors[0].field", equalTo("charges"));
        Api.as(Tokens.user(UUID.randomUUID())).body(Map.of("charges", List.of(one))).post(BATCH).then().statusCode(403);
        Api.given().body(Map.of("charges", List.of(one))).post(BATCH).then().statusCode(401);
    }
}
