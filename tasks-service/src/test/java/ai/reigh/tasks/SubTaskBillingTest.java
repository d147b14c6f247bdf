package ai.reigh.tasks;

import static ai.reigh.tasks.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Sub-tasks cannot be used to get GPU work for free (security review, finding 1): every Complete
 * sub-task is charged on its own, at its own type's price, whatever becomes of its parent; only
 * orchestrators have children, only of their family's types, never depending on their parent, never
 * nested past the bound, never more than the bound per parent — even when the creations race.
 */
@QuarkusTest
class SubTaskBillingTest {
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String CHILDREN = "/v1/workers/tasks";
    /** The test profile's {@code reigh.tasks.max-children-per-task}. */
    private static final int CHILDREN_BOUND = 10;
    /** An orchestration type whose family (test profile) is itself: the only way to nest past the bound. */
    private static final String NESTING_ORCHESTRATOR = "test_nesting_orchestrator";

    /** A personal access token of the owner, made by projects-service as a user makes one. */
    private static String personalAccessToken(Fixtures.Owner owner) {
        return Api.as(owner.token()).body(Map.of("name", "my own GPU"))
                .post(ReighTestEnvironment.sibling("projects").url() + "/v1/me/tokens").then().statusCode(201)
                .extract().path("token");
    }

    private static Response createChild(String worker, UUID parent, UUID lease, String taskType, List<UUID> dependantOn) {
        Map<String, Object> request = body("parent_task_id", parent, "lease_token", lease, "task_type", taskType,
                "params", Map.of("prompt", "child of " + parent));
        if (!dependantOn.isEmpty()) {
            request.put("dependant_on", dependantOn);
        }
        return Api.as(worker).body(request).post(CHILDREN);
    }

    private static UUID child(String worker, UUID parent, UUID lease, String taskType) {
        Response created = createChild(worker, parent, lease, taskType, List.of());
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        return UUID.fromString(created.path("id"));
    }

    private static long count(String sql, Object... args) {
        try (SqlSession session = SqlSession.as("reigh_owner").actingAsService()) {
            return session.count(sql, args);
        }
    }

    private static long children(UUID parent) {
        return count("SELECT count(*) FROM tasks WHERE parent_task_id = ?", parent);
    }

    private static BigDecimal spend(UUID taskId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            Object amount = sql.value("SELECT amount FROM credits_ledger WHERE task_id = ? AND type = 'spend'", taskId);
            return amount == null ? null : (BigDecimal) amount;
        }
    }

    private static String spendMetadata(UUID taskId, String field) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return (String) sql.value("SELECT metadata ->> ? FROM credits_ledger WHERE task_id = ? AND type = 'spend'",
                    field, taskId);
        }
    }

    /**
     * The price of a Complete per_second task of a type without cost factors, computed here from the
     * task's own row (the registry's rate, the server's timestamps): rate × max(1, ceil(processed −
     * started)), half-up to 3 places.
     */
    private static BigDecimal ownPrice(UUID taskId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            List<Object> row = sql.query("SELECT c.base_cost_per_second, t.generation_started_at, t.generation_processed_at"
                    + " FROM tasks t JOIN task_cost_configs c ON c.task_type = t.task_type"
                    + " WHERE t.id = ? AND t.status = 'Complete' AND c.billing_type = 'per_second'"
                    + " AND c.cost_factors = '{}'::jsonb", taskId).get(0);
            BigDecimal rate = (BigDecimal) row.get(0);
            Instant started = ((Timestamp) row.get(1)).toInstant();
            Instant processed = ((Timestamp) row.get(2)).toInstant();
            Duration run = Duration.between(started, processed);
            long seconds = Math.max(1, run.getSeconds() + (run.getNano() > 0 ? 1 : 0));
            return rate.multiply(BigDecimal.valueOf(seconds)).setScale(3, RoundingMode.HALF_UP);
        }
    }

    private static BigDecimal balance(UUID userId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return (BigDecimal) sql.value("SELECT total_credits FROM users WHERE id = ?", userId);
        }
    }

    private static BigDecimal ledgerSum(UUID userId) {
        try (SqlSession sql = SqlSession.as("reigh_owner").actingAsService()) {
            return (BigDecimal) sql.value("SELECT coalesce(sum(amount), 0) FROM credits_ledger WHERE user_id = ?", userId);
        }
    }

    private static void assertProblem(Response answer, int status, String code) {
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat((String) answer.path("code")).as(answer.asString()).isEqualTo(code);
    }

    /**
     * The reviewer's first observation, step by step: an orchestrator's three children of expensive
     * family types, completed by the owner's personal access token, the owner's local worker token and
     * a cloud worker, then the orchestrator cancelled. Each child is a spend at its own price.
     */
    @Test
    void childrenCompletedUnderAnOrchestratorThatIsThenCancelledAreEachChargedTheirOwnPrice() {
        Fixtures.drainQueue();
        Fixtures.Owner owner = Fixtures.owner(new BigDecimal("1000"));
        String pat = personalAccessToken(owner);
        String localWorker = owner.localWorker();
        String cloudWorker = Tokens.worker();
        UUID orchestrator = Fixtures.createTask(owner, "travel_orchestrator");
        Fixtures.Claimed parent = Fixtures.claimOne(pat, "pat-gpu");
        assertThat(parent.taskId()).isEqualTo(orchestrator);

        UUID first = child(pat, orchestrator, parent.leaseToken(), "travel_segment");
        UUID second = child(pat, orchestrator, parent.leaseToken(), "travel_segment");
        UUID third = child(pat, orchestrator, parent.leaseToken(), "travel_stitch");
        Fixtures.Claimed byPat = Fixtures.claimOne(pat, "pat-gpu");
        Fixtures.Claimed byLocal = Fixtures.claimOne(localWorker, "local-gpu");
        Fixtures.Claimed byCloud = Fixtures.claimOne(cloudWorker, "cloud-gpu-" + UUID.randomUUID());
        assertThat(List.of(byPat.taskId(), byLocal.taskId(), byCloud.taskId())).containsExactly(first, second, third);
        Fixtures.complete(pat, byPat);
        Fixtures.complete(localWorker, byLocal);
        Fixtures.complete(cloudWorker, byCloud);

        Api.as(owner.token()).post("/v1/tasks/" + orchestrator + "/cancel").then().statusCode(200)
                .body("status", equalTo("Cancelled"));

        List<UUID> work = List.of(first, second, third);
        Fixtures.await("a spend for each child", DELIVERY, () -> work.stream().allMatch(id -> spend(id) != null));
        BigDecimal total = BigDecimal.ZERO;
        for (UUID id : work) {
            BigDecimal price = ownPrice(id);
            assertThat(price).as("a child's price").isPositive();
            assertThat(spend(id)).as("the spend of child %s", id).isEqualByComparingTo(price.negate());
            assertThat(spendMetadata(id, "parent_task_id")).as("the parent in the spend's metadata")
                    .isEqualTo(orchestrator.toString());
            total = total.add(price);
        }
        assertThat(spend(orchestrator)).as("the cancelled orchestrator's own spend").isNull();
        assertThat(count("SELECT count(*) FROM credits_ledger WHERE user_id = ? AND type = 'spend'", owner.userId()))
                .isEqualTo(3);
        assertThat(balance(owner.userId())).isEqualByComparingTo(new BigDecimal("1000").subtract(total))
                .isEqualByComparingTo(ledgerSum(owner.userId()));
    }

    /** A child is charged as soon as it completes, while its orchestrator still runs. */
    @Test
    void aChildOfAStillRunningOrchestratorIsChargedAsSoonAsItCompletes() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID orchestrator = Fixtures.createTask(owner, "travel_orchestrator");
        Fixtures.Claimed parent = Fixtures.claimOne(worker, "traveller");
        UUID segment = child(worker, orchestrator, parent.leaseToken(), "travel_segment");
        Fixtures.Claimed claimed = Fixtures.claimOne(worker, "traveller");
        assertThat(claimed.taskId()).isEqualTo(segment);
        Fixtures.complete(worker, claimed);

        Fixtures.await("the child's spend", DELIVERY, () -> spend(segment) != null);
        assertThat(Fixtures.status(orchestrator)).isEqualTo("In Progress");
        assertThat(spend(segment)).isEqualByComparingTo(ownPrice(segment).negate());

        // The orchestrator's own time is not billed: its per_second price is zero, and no entry is written.
        Fixtures.complete(worker, parent);
        Fixtures.await("the orchestrator's charge delivered", DELIVERY, () -> count("SELECT count(*) FROM task_outbox"
                + " WHERE task_id = ? AND kind = 'charge' AND delivered_at IS NOT NULL", orchestrator) == 1);
        assertThat(spend(orchestrator)).isNull();
        assertThat(balance(owner.userId())).isEqualByComparingTo(new BigDecimal("1000").add(spend(segment)));
    }

    /** The reviewer's second observation: a single_image "parent" spawning LoRA trainings. */
    @Test
    void aTaskThatIsNotAnOrchestratorCannotHaveChildren() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID image = Fixtures.createTask(owner, "single_image");
        Fixtures.Claimed parent = Fixtures.claimOne(worker, "image-gpu");
        for (int i = 0; i < 3; i++) {
            assertProblem(createChild(worker, image, parent.leaseToken(), "lora_training", List.of()), 422,
                    "not_an_orchestrator");
        }
        // Not even a type an orchestrator could spawn.
        assertProblem(createChild(worker, image, parent.leaseToken(), "travel_segment", List.of()), 422,
                "not_an_orchestrator");
        assertThat(children(image)).isZero();
    }

    @Test
    void anOrchestratorMaySpawnOnlyItsFamilysTypes() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID orchestrator = Fixtures.createTask(owner, "travel_orchestrator");
        Fixtures.Claimed parent = Fixtures.claimOne(worker, "travel-gpu");
        for (String outsider : List.of("lora_training", "single_image", "join_clips_segment", "travel_orchestrator")) {
            assertProblem(createChild(worker, orchestrator, parent.leaseToken(), outsider, List.of()), 422,
                    "child_type_not_allowed");
        }
        // Unknown types are refused too (whatever the family says), as at top-level creation.
        assertProblem(createChild(worker, orchestrator, parent.leaseToken(), "no_such_type", List.of()), 422,
                "child_type_not_allowed");
        assertThat(children(orchestrator)).isZero();
        // The family's own types are fine, an orchestrator of the family included.
        child(worker, orchestrator, parent.leaseToken(), "travel_segment");
        child(worker, orchestrator, parent.leaseToken(), "travel_stitch");
        UUID joiner = child(worker, orchestrator, parent.leaseToken(), "join_clips_orchestrator");
        assertThat(children(orchestrator)).isEqualTo(3);

        // The nested orchestrator has a family of its own.
        Fixtures.Claimed segment = Fixtures.claimOne(worker, "travel-gpu");
        Fixtures.Claimed stitch = Fixtures.claimOne(worker, "travel-gpu");
        Fixtures.Claimed nested = Fixtures.claimOne(worker, "travel-gpu");
        assertThat(nested.taskId()).as("claimed oldest first").isEqualTo(joiner);
        child(worker, joiner, nested.leaseToken(), "join_clips_segment");
        child(worker, joiner, nested.leaseToken(), "join_final_stitch");
        assertProblem(createChild(worker, joiner, nested.leaseToken(), "travel_segment", List.of()), 422,
                "child_type_not_allowed");
        assertThat(children(joiner)).isEqualTo(2);
        assertThat(List.of(segment.taskId(), stitch.taskId())).doesNotContain(joiner);
    }

    @Test
    void aFamilyTypeThatIsInactiveInTheRegistryIsRefusedAsAtTopLevel() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID orchestrator = Fixtures.createTask(owner, nestingOrchestrator());
        Fixtures.Claimed parent = Fixtures.claimOne(worker, "inactive-gpu");
        String admin = Tokens.admin(UUID.randomUUID());
        String credits = ReighTestEnvironment.sibling("credits").url();
        Api.as(admin).body(Map.of("billing_type", "per_second", "base_cost_per_second", new BigDecimal("0.0278"),
                "category", "generation", "content_type", "video", "is_active", false))
                .put(credits + "/v1/admin/task-costs/test_inactive_segment").then().statusCode(oneOf(200, 201));
        Response refused = createChild(worker, orchestrator, parent.leaseToken(), "test_inactive_segment", List.of());
        assertProblem(refused, 400, "validation_failed");
        assertThat((String) refused.path("errors[0].field")).isEqualTo("task_type");
        assertThat(children(orchestrator)).isZero();
    }

    @Test
    void aChildMayNotDependOnItsParent() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID orchestrator = Fixtures.createTask(owner, "travel_orchestrator");
        Fixtures.Claimed parent = Fixtures.claimOne(worker, "waiting-gpu");
        UUID segment = child(worker, orchestrator, parent.leaseToken(), "travel_segment");
        assertProblem(createChild(worker, orchestrator, parent.leaseToken(), "travel_stitch", List.of(segment, orchestrator)),
                422, "depends_on_parent");
        assertThat(children(orchestrator)).isEqualTo(1);
        // Depending on a sibling is how a stitch waits for its segments.
        Response stitch = createChild(worker, orchestrator, parent.leaseToken(), "travel_stitch", List.of(segment));
        assertThat(stitch.statusCode()).as(stitch.asString()).isEqualTo(201);
    }

    @Test
    void orchestratorsNestNoDeeperThanTheBound() {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        String type = nestingOrchestrator();
        UUID top = Fixtures.createTask(owner, type);
        Fixtures.Claimed level0 = Fixtures.claimOne(worker, "nester");
        assertThat(level0.taskId()).isEqualTo(top);
        UUID depth1 = child(worker, top, level0.leaseToken(), type);
        Fixtures.Claimed level1 = Fixtures.claimOne(worker, "nester");
        assertThat(level1.taskId()).isEqualTo(depth1);
        UUID depth2 = child(worker, depth1, level1.leaseToken(), type);
        Fixtures.Claimed level2 = Fixtures.claimOne(worker, "nester");
        assertThat(level2.taskId()).isEqualTo(depth2);

        assertProblem(createChild(worker, depth2, level2.leaseToken(), type, List.of()), 422, "nesting_too_deep");
        assertThat(children(depth2)).isZero();
    }

    /**
     * Many workers creating children of one parent at once, released together by a barrier, never take
     * it past the bound: exactly the missing number are created, the rest are refused.
     */
    @Test
    void concurrentChildCreationsNeverExceedTheBound() throws Exception {
        Fixtures.Owner owner = Fixtures.owner();
        String worker = owner.localWorker();
        UUID orchestrator = Fixtures.createTask(owner, "travel_orchestrator");
        Fixtures.Claimed parent = Fixtures.claimOne(worker, "racing-orchestrator");
        int existing = CHILDREN_BOUND - 3;
        for (int i = 0; i < existing; i++) {
            child(worker, orchestrator, parent.leaseToken(), "travel_segment");
        }
        int racers = 16;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return createChild(worker, orchestrator, parent.leaseToken(), "travel_segment", List.of());
                }));
            }
            int created = 0;
            for (Future<Response> future : answers) {
                Response answer = future.get(60, TimeUnit.SECONDS);
                if (answer.statusCode() == 201) {
                    created++;
                } else {
                    assertProblem(answer, 422, "unprocessable");
                }
            }
            assertThat(created).as("children created by the racers").isEqualTo(CHILDREN_BOUND - existing);
        } finally {
            pool.shutdownNow();
        }
        assertThat(children(orchestrator)).isEqualTo(CHILDREN_BOUND);
    }

    /**
     * The test registry's self-nesting orchestration type, made through credits-service's admin API (its
     * family, in the test profile, is itself and {@code test_inactive_segment}).
     */
    private static String nestingOrchestrator() {
        Response put = Api.as(Tokens.admin(UUID.randomUUID())).body(Map.of("billing_type", "per_second",
                "base_cost_per_second", new BigDecimal("0.0278"), "category", "orchestration", "content_type", "video"))
                .put(ReighTestEnvironment.sibling("credits").url() + "/v1/admin/task-costs/" + NESTING_ORCHESTRATOR);
        assertThat(put.statusCode()).as(put.asString()).isIn(200, 201);
        return NESTING_ORCHESTRATOR;
    }
}
