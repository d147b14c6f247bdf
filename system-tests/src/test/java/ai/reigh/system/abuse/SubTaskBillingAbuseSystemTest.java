package ai.reigh.system.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SystemUnderTest;
import ai.reigh.common.testing.Tokens;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Security review, finding 1 ("free GPU work through sub-tasks"), performed as the reviewer did, through
 * the gateway against the real processes: a user starts an orchestrator, its three children (of the
 * family's expensive types) are completed by the owner's personal access token, the owner's local worker
 * token and a cloud worker, and then the user cancels the orchestrator. Each child must appear in the
 * user's own ledger as a spend of its own price, and the balance must have moved by exactly that.
 * And the second observation: a {@code single_image} task cannot spawn {@code lora_training} children.
 */
class SubTaskBillingAbuseSystemTest {
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @BeforeAll
    static void platform() {
        RestAssured.baseURI = SystemUnderTest.shared().gatewayUrl();
    }

    /** A fresh user with a project and the welcome bonus. */
    private record Victim(UUID id, String token, String project) {
        static Victim create(String label) {
            UUID id = UUID.randomUUID();
            String token = Tokens.user(id);
            Api.as(token).get("/v1/me").then().statusCode(200);
            Api.as(token).post("/v1/credits/welcome-bonus").then().statusCode(201);
            String project = Api.as(token).body(Map.of("name", label)).post("/v1/projects").then().statusCode(201)
                    .extract().path("id");
            return new Victim(id, token, project);
        }

        String task(String taskType) {
            return Api.as(token).body(Map.of("project_id", project, "task_type", taskType, "params",
                    Map.of("prompt", "abuse " + taskType))).post("/v1/tasks").then().statusCode(201).extract().path("id");
        }

        BigDecimal balance() {
            return Api.as(token).get("/v1/credits/balance").then().statusCode(200).extract().jsonPath()
                    .getObject("total_credits", BigDecimal.class);
        }

        /** The user's spends by task id, read as the user reads them. */
        Map<String, Spend> spends() {
            JsonPath ledger = Api.as(token).get("/v1/credits/ledger?limit=200").then().statusCode(200).extract().jsonPath();
            Map<String, Spend> spends = new HashMap<>();
            int entries = ledger.getList("items").size();
            for (int i = 0; i < entries; i++) {
                String entry = "items[" + i + "].";
                if ("spend".equals(ledger.getString(entry + "type"))) {
                    spends.put(ledger.getString(entry + "task_id"), new Spend(
                            ledger.getObject(entry + "amount", BigDecimal.class),
                            ledger.getString(entry + "metadata.parent_task_id")));
                }
            }
            return spends;
        }
    }

    private record Spend(BigDecimal amount, String parentTaskId) {
    }

    private record Lease(String taskId, String token) {
    }

    private static Lease claim(String worker, Map<String, Object> request) {
        Response answer = Api.as(worker).body(request).post("/v1/workers/claim");
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        return new Lease(answer.path("tasks[0].id"), answer.path("tasks[0].lease_token"));
    }

    private static Lease claimOwn(String worker, String workerId) {
        return claim(worker, Map.of("worker_id", workerId, "wait_seconds", 10));
    }

    private static String child(String worker, String parent, Lease lease, String taskType, Map<String, Object> params) {
        Response created = Api.as(worker).body(Map.of("parent_task_id", parent, "lease_token", lease.token(), "task_type",
                taskType, "params", params)).post("/v1/workers/tasks");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        return created.path("id");
    }

    private static void complete(String worker, Lease lease) {
        Api.as(worker).body(Map.of("lease_token", lease.token(), "output_location",
                "https://cdn.example.com/" + lease.taskId() + ".mp4")).post("/v1/workers/tasks/" + lease.taskId() + "/complete")
                .then().statusCode(200);
    }

    /**
     * The price of a Complete task of a per_second type without factors, from what the platform shows
     * the user: the type's rate ({@code GET /v1/task-costs}) × max(1, ceil(processed − started)) of the task.
     */
    private static BigDecimal ownPrice(Victim user, String taskId) {
        JsonPath task = Api.as(user.token()).get("/v1/tasks/" + taskId).then().statusCode(200).extract().jsonPath();
        assertThat(task.getString("status")).isEqualTo("Complete");
        JsonPath costs = Api.as(user.token()).get("/v1/task-costs").then().statusCode(200).extract().jsonPath();
        String type = task.getString("task_type");
        assertThat(costs.getString("items.find { it.task_type == '" + type + "' }.billing_type")).isEqualTo("per_second");
        BigDecimal rate = new BigDecimal(costs.getString("items.find { it.task_type == '" + type + "' }.base_cost_per_second"));
        Duration run = Duration.between(Instant.parse(task.getString("generation_started_at")),
                Instant.parse(task.getString("generation_processed_at")));
        long seconds = Math.max(1, run.getSeconds() + (run.getNano() > 0 ? 1 : 0));
        return rate.multiply(BigDecimal.valueOf(seconds)).setScale(3, RoundingMode.HALF_UP);
    }

    @Test
    void childrenCompletedByThreeKindsOfWorkerUnderACancelledOrchestratorAreEachCharged() throws InterruptedException {
        Victim user = Victim.create("sub-task billing");
        BigDecimal before = user.balance();
        String pat = Api.as(user.token()).body(Map.of("name", "my 4090")).post("/v1/me/tokens").then().statusCode(201)
                .extract().path("token");
        String localWorker = Tokens.localWorker(user.id());
        String cloudWorker = Tokens.worker();
        String orchestrator = user.task("travel_orchestrator");
        Lease parent = claimOwn(pat, "abuse-pat-" + user.id());
        assertThat(parent.taskId()).isEqualTo(orchestrator);

        // The third child carries a model only the cloud worker below has loaded, so that model affinity
        // hands it that child ahead of whatever else is queued on the shared platform.
        String model = "abuse-model-" + UUID.randomUUID();
        String first = child(pat, orchestrator, parent, "travel_segment", Map.of("prompt", "one"));
        String second = child(pat, orchestrator, parent, "travel_segment", Map.of("prompt", "two"));
        String third = child(pat, orchestrator, parent, "travel_stitch", Map.of("prompt", "three", "model_name", model));

        Lease byPat = claimOwn(pat, "abuse-pat-" + user.id());
        Lease byLocal = claimOwn(localWorker, "abuse-local-" + user.id());
        String cloudId = "abuse-cloud-" + UUID.randomUUID();
        Api.as(cloudWorker).body(Map.of("worker_id", cloudId, "current_model", model)).post("/v1/workers/heartbeat")
                .then().statusCode(200);
        Lease byCloud = claim(cloudWorker, Map.of("worker_id", cloudId, "same_model_only", true,
                "max_task_wait_minutes", 10080, "wait_seconds", 10));
        assertThat(List.of(byPat.taskId(), byLocal.taskId(), byCloud.taskId())).containsExactly(first, second, third);
        complete(pat, byPat);
        complete(localWorker, byLocal);
        complete(cloudWorker, byCloud);

        Api.as(user.token()).post("/v1/tasks/" + orchestrator + "/cancel").then().statusCode(200);

        List<String> work = List.of(first, second, third);
        Map<String, Spend> spends = user.spends();
        Instant deadline = Instant.now().plus(DELIVERY);
        while (!spends.keySet().containsAll(work)) {
            assertThat(Instant.now()).as("a spend for each of the three children within %s s (spends: %s)",
                    DELIVERY.toSeconds(), spends.keySet()).isBefore(deadline);
            Thread.sleep(200);
            spends = user.spends();
        }
        BigDecimal total = BigDecimal.ZERO;
        for (String id : work) {
            BigDecimal price = ownPrice(user, id);
            Spend spend = spends.get(id);
            assertThat(spend.amount()).as("the spend of child %s", id).isEqualByComparingTo(price.negate());
            assertThat(spend.parentTaskId()).as("the spend names its parent").isEqualTo(orchestrator);
            total = total.add(price);
        }
        assertThat(spends).as("the cancelled orchestrator is not charged").doesNotContainKey(orchestrator)
                .hasSize(3);
        assertThat(user.balance()).as("the balance moved by the children's prices")
                .isEqualByComparingTo(before.subtract(total));
    }

    @Test
    void aSingleImageCannotSpawnLoraTrainings() {
        Victim user = Victim.create("lora spawner");
        String worker = Tokens.localWorker(user.id());
        String image = user.task("single_image");
        Lease parent = claimOwn(worker, "abuse-spawner-" + user.id());
        assertThat(parent.taskId()).isEqualTo(image);
        for (int i = 0; i < 3; i++) {
            Problems.assertProblem(Api.as(worker).body(Map.of("parent_task_id", image, "lease_token", parent.token(),
                    "task_type", "lora_training", "params", Map.of("steps", 1000))).post("/v1/workers/tasks"), 422,
                    "not_an_orchestrator", "lora_training child of a single_image");
        }
        List<String> types = Api.as(user.token()).get("/v1/tasks?project_id=" + user.project()).then().statusCode(200)
                .extract().path("items.task_type");
        assertThat(types).containsExactly("single_image");
    }
}
