package ai.reigh.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.EmbeddedS3;
import ai.reigh.common.testing.Tokens;
import ai.reigh.devtools.http.PlatformClient;
import io.restassured.response.Response;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;

/**
 * What must hold after every fault, checked in SQL over the whole database (and, for objects, against
 * the store itself): nothing lost, nothing done twice, no money created or destroyed.
 */
final class Invariants {
    /** The store's bucket of each logical bucket (storage-service's application.properties). */
    private static final Map<String, String> PHYSICAL_BUCKETS = Map.of("public", "reigh-public",
            "training-data", "reigh-training-data", "lora_files", "reigh-lora-files");
    /**
     * Rows a relay had reserved when its process died come back after the relay's in-flight timeout
     * (60 s, tasks-service README), so the outbox may need that long to drain after a crash.
     */
    private static final Duration OUTBOX_DRAIN = Duration.ofSeconds(120);
    private static final Duration REAPER_CATCH_UP = Duration.ofSeconds(20);

    private Invariants() {
    }

    /** Every ledger row as text, by id: taken before a fault, compared after it. */
    record LedgerSnapshot(Map<String, String> rows) {
        String checksum() {
            return Invariants.checksum(rows);
        }
    }

    static LedgerSnapshot snapshotLedger() {
        return new LedgerSnapshot(ledgerRows());
    }

    private static Map<String, String> ledgerRows() {
        return Platform.sql(session -> {
            Map<String, String> rows = new TreeMap<>();
            for (List<Object> row : session.query("""
                    SELECT id::text, concat_ws('|', id, user_id, amount, type, task_id, refund_of, idempotency_key,
                                               created_by, metadata::text, created_at)
                    FROM credits_ledger""")) {
                rows.put((String) row.get(0), (String) row.get(1));
            }
            return rows;
        });
    }

    /**
     * Waits for the platform to settle (the outbox delivered, expired leases reaped), then asserts
     * every invariant. Returns the figures of what was checked.
     */
    static Map<String, Object> check(String scenario, LedgerSnapshot before) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("outbox_drain_s", Await.until(scenario + ": the completion outbox delivered", OUTBOX_DRAIN,
                () -> Platform.count("SELECT count(*) FROM task_outbox WHERE delivered_at IS NULL AND parked_at IS NULL") == 0));
        figures.put("reaper_catch_up_s", Await.until(scenario + ": no In Progress task without a live lease", REAPER_CATCH_UP,
                () -> Platform.count("""
                        SELECT count(*) FROM tasks WHERE status = 'In Progress'
                          AND (lease_token IS NULL OR lease_expires_at IS NULL
                               OR lease_expires_at < now() - interval '2 seconds')""") == 0));
        Platform.sql(sql -> {
            // A fault is never a receiver's refusal: nothing may wait for an admin's replay afterwards.
            long parked = sql.count("SELECT count(*) FROM task_outbox WHERE parked_at IS NOT NULL");
            figures.put("outbox_parked", parked);
            assertThat(parked).as("%s: no completion effect parked (refused by its receiver)", scenario).isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM (SELECT task_id FROM credits_ledger WHERE type = 'spend'
                                          GROUP BY task_id HAVING count(*) > 1) twice"""))
                    .as("%s: one spend per task", scenario).isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM users u
                    WHERE u.total_credits <> coalesce((SELECT sum(l.amount) FROM credits_ledger l WHERE l.user_id = u.id), 0)"""))
                    .as("%s: every user's total_credits equals the sum of their ledger", scenario).isZero();
            assertThat(sql.count("SELECT count(*) FROM tasks WHERE attempts < 0 OR attempts > max_attempts"))
                    .as("%s: attempts within 0..max_attempts", scenario).isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM (SELECT task_id FROM generations WHERE task_id IS NOT NULL
                                          GROUP BY task_id HAVING count(*) > 1) twice"""))
                    .as("%s: no task has two generations", scenario).isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM tasks t JOIN task_cost_configs c ON c.task_type = t.task_type
                    WHERE t.status = 'Complete' AND c.category <> 'orchestration' AND c.content_type IS NOT NULL
                      AND (t.params -> 'skip_generation') IS DISTINCT FROM 'true'::jsonb
                      AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.task_id = t.id)"""))
                    .as("%s: every Complete task has its generation", scenario).isZero();
            assertThat(sql.count("""
                    SELECT count(*) FROM credits_ledger l JOIN tasks t ON t.id = l.task_id
                    WHERE l.type = 'spend' AND t.status <> 'Complete'"""))
                    .as("%s: only Complete tasks are charged", scenario).isZero();
            // Not an invariant, reported: a worker's output confirmed for a completion that then lost its
            // lease (or whose service died before committing) stays stored, owned by the task's user.
            figures.put("ready_outputs_not_used", sql.count("""
                    SELECT count(*) FROM storage_objects s WHERE s.task_id IS NOT NULL AND s.status = 'ready'
                      AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = s.task_id AND strpos(t.output_location, s.key) > 0)"""));
            figures.put("tasks_checked", sql.count("SELECT count(*) FROM tasks"));
            figures.put("generations_checked", sql.count("SELECT count(*) FROM generations"));
            figures.put("users_checked", sql.count("SELECT count(*) FROM users"));
            return null;
        });
        Map<String, String> after = ledgerRows();
        List<String> changed = new ArrayList<>();
        before.rows().forEach((id, row) -> {
            if (!row.equals(after.get(id))) {
                changed.add(id);
            }
        });
        assertThat(changed).as("%s: ledger rows that existed before the fault are unchanged", scenario).isEmpty();
        Map<String, String> previous = new TreeMap<>(after);
        previous.keySet().retainAll(before.rows().keySet());
        assertThat(checksum(previous)).as("%s: checksum of the earlier ledger rows", scenario).isEqualTo(before.checksum());
        figures.put("ledger_rows_checked", after.size());
        figures.put("ledger_rows_before_fault", before.rows().size());
        figures.put("ready_objects_checked", checkReadyObjectsHaveTheirBytes(scenario));
        figures.put("priced_tasks_checked", checkSpendsEqualPricesOfCompleteWork(scenario));
        return figures;
    }

    /** Expected prices of Complete tasks already asked for (a Complete task's price never changes). */
    private static final Map<String, BigDecimal> PRICE_BY_TASK = new ConcurrentHashMap<>();

    /**
     * Σ spends of each user = Σ prices of their Complete work, never less (security review, finding 1:
     * no Complete work unbilled, whatever its parent): every Complete task, sub-tasks included, is priced
     * here on its own and compared, per task and per user, with the ledger's spends.
     *
     * <p>The expected price of each task comes from the platform's public pricing, {@code POST
     * /v1/task-costs/estimate} with the task's type, params and billed duration (its timestamps, as the
     * completion sends them: {@code processed − coalesce(started, created)}, never negative), rather than
     * from a second copy of the formula in SQL. The estimate is what users are told a task costs and
     * shares only the formula with charging; everything this check guards — the outbox row written at
     * completion, its delivery, the charge's rules for sub-tasks and orchestrators, the ledger insert — is
     * on the other side. A formula copied here would have to follow every pricing change, and a
     * divergence would fail the check without any defect in the product. The one thing an estimate does
     * not model is the config version in force when a task started (it prices with the current one), so
     * the check first asserts that no checked task's type changed its config after the task started.
     *
     * @return the number of Complete tasks checked
     */
    static int checkSpendsEqualPricesOfCompleteWork(String scenario) {
        assertThat(Platform.count("""
                SELECT count(*) FROM tasks t JOIN task_cost_configs c ON c.task_type = t.task_type
                WHERE t.status = 'Complete' AND c.updated_at > coalesce(t.generation_started_at, t.created_at)"""))
                .as("%s: every Complete task's type kept the config it started with (the estimate prices with it)",
                        scenario).isZero();
        List<List<Object>> work = Platform.sql(session -> session.query("""
                SELECT t.id::text, t.user_id::text, t.task_type, t.params::text,
                       greatest(0, extract(epoch FROM t.generation_processed_at
                                                      - coalesce(t.generation_started_at, t.created_at)))::text
                FROM tasks t WHERE t.status = 'Complete'"""));
        Map<String, BigDecimal> expectedByUser = new TreeMap<>();
        Map<String, BigDecimal> expectedByTask = new TreeMap<>();
        String pricer = Tokens.user(UUID.randomUUID());
        for (List<Object> task : work) {
            String taskId = (String) task.get(0);
            BigDecimal price = PRICE_BY_TASK.computeIfAbsent(taskId, id -> estimate(pricer, (String) task.get(2),
                    (String) task.get(3), new BigDecimal((String) task.get(4))));
            expectedByTask.put(taskId, price);
            expectedByUser.merge((String) task.get(1), price, BigDecimal::add);
        }
        Map<String, BigDecimal> spentByUser = new TreeMap<>();
        Map<String, BigDecimal> spentByTask = new TreeMap<>();
        for (List<Object> spend : Platform.sql(session -> session.query(
                "SELECT user_id::text, task_id::text, (-amount)::text FROM credits_ledger WHERE type = 'spend'"))) {
            BigDecimal amount = new BigDecimal((String) spend.get(2));
            spentByUser.merge((String) spend.get(0), amount, BigDecimal::add);
            spentByTask.put((String) spend.get(1), amount);
        }
        // Per task first, so that a failure names the tasks; zero-priced work has no spend (no zero entries).
        List<String> mispriced = new ArrayList<>();
        expectedByTask.forEach((taskId, price) -> {
            BigDecimal spent = spentByTask.getOrDefault(taskId, BigDecimal.ZERO);
            if (spent.compareTo(price) != 0) {
                mispriced.add(taskId + ": price " + price + ", spent " + spent);
            }
        });
        assertThat(mispriced).as("%s: Complete tasks whose spend is not their price", scenario).isEmpty();
        Set<String> users = new TreeSet<>(expectedByUser.keySet());
        users.addAll(spentByUser.keySet());
        List<String> unequal = new ArrayList<>();
        for (String user : users) {
            BigDecimal expected = expectedByUser.getOrDefault(user, BigDecimal.ZERO);
            BigDecimal spent = spentByUser.getOrDefault(user, BigDecimal.ZERO);
            if (expected.compareTo(spent) != 0) {
                unequal.add(user + ": Σ prices " + expected + ", Σ spends " + spent);
            }
        }
        assertThat(unequal).as("%s: each user's Σ spends = Σ prices of their Complete work", scenario).isEmpty();
        return work.size();
    }

    /** The platform's price for one run: {@code cost} of the public estimate. */
    private static BigDecimal estimate(String token, String taskType, String params, BigDecimal durationSeconds) {
        try {
            ObjectNode request = PlatformClient.JSON.createObjectNode();
            request.put("task_type", taskType);
            request.set("params", PlatformClient.JSON.readTree(params));
            request.put("duration_seconds", durationSeconds);
            Response answer = Api.as(token).body(PlatformClient.JSON.writeValueAsString(request))
                    .post("/v1/task-costs/estimate");
            assertThat(answer.statusCode()).as("estimate of a %s: %s", taskType, answer.asString()).isEqualTo(200);
            return answer.jsonPath().getObject("cost", BigDecimal.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a task's params are not JSON", e);
        }
    }

    /** Every {@code ready} storage object exists in the store with its declared size. */
    static int checkReadyObjectsHaveTheirBytes(String scenario) {
        EmbeddedS3 s3 = EmbeddedS3.shared();
        MinioClient store = MinioClient.builder().endpoint(s3.endpoint())
                .credentials(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY).region(EmbeddedS3.REGION).build();
        List<List<Object>> ready = Platform.sql(session -> session.query(
                "SELECT bucket, key, size_bytes FROM storage_objects WHERE status = 'ready'"));
        List<String> missing = new ArrayList<>();
        for (List<Object> object : ready) {
            String bucket = PHYSICAL_BUCKETS.getOrDefault((String) object.get(0), (String) object.get(0));
            String key = (String) object.get(1);
            long size = ((Number) object.get(2)).longValue();
            try {
                StatObjectResponse stat = store.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
                if (stat.size() != size) {
                    missing.add(bucket + "/" + key + " (" + stat.size() + " bytes stored, " + size + " declared)");
                }
            } catch (ErrorResponseException e) {
                missing.add(bucket + "/" + key + " (" + e.errorResponse().code() + ")");
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the store at " + s3.endpoint(), e);
            }
        }
        assertThat(missing).as("%s: ready objects without their bytes in the store", scenario).isEmpty();
        return ready.size();
    }

    static String checksum(Map<String, String> rows) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(rows).forEach((id, row) -> digest.update((row + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
