package ai.reigh.tasks.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The claim: one statement that registers the worker, locks the oldest claimable tasks with
 * {@code FOR UPDATE SKIP LOCKED}, and hands each out with a fresh lease.
 *
 * <p>Model affinity without sorting the queue: three index-ordered candidate sets, read lazily in
 * priority order through {@code UNION ALL … LIMIT} (PostgreSQL stops pulling from a branch, and
 * never starts the next one, once the limit is reached, so a branch never locks rows it will not
 * hand out):
 * <ol>
 * <li>{@code starving}: tasks older than {@code max_task_wait_minutes}, oldest first (only with
 * {@code same_model_only}; otherwise they are simply the head of the oldest-first branch);</li>
 * <li>{@code same_model}: younger tasks whose {@code model_name} is the worker's current model
 * ({@code tasks_claimable_by_model});</li>
 * <li>{@code oldest}: everything else, oldest first ({@code tasks_claimable}): with no current model
 * (a worker that has not loaded one yet) {@code same_model} is empty and this is every younger task,
 * those without a {@code model_name} included.</li>
 * </ol>
 * The branches are disjoint by construction. The per-owner cap of five non-orchestrator tasks In
 * Progress is pre-filtered here (owners already at the cap are skipped, so that they do not use up
 * the batch) and enforced by the {@code tasks_owner_in_progress_cap} trigger, which skips rows over
 * the cap even under concurrent claimers; the UPDATE re-checks {@code status = 'Queued'}.
 *
 * <p>The trigger lets one transaction at a time start an owner's tasks (its per-owner advisory
 * try-lock). The scan takes that same lock as its last filter, so a claimer passes over the rows of
 * an owner another claimer is starting right now and goes on to other owners, instead of locking
 * that owner's rows only to have the trigger skip them: when one owner's batch sits at the head of
 * the queue, concurrent claimers then spread over the owners behind it rather than all but one
 * coming back empty. (The lock is transaction-scoped, re-entrant for the trigger, released at commit.)
 */
@ApplicationScoped
public class ClaimRepository {
    /**
     * Registers (or refreshes) the worker ($2, $1): its id in its owner's namespace ($2 null: the cloud
     * workers'), so no worker can take another namespace's id.
     */
    private static final String WORKER = """
            worker AS (
              INSERT INTO workers AS w (id, user_id, status, last_heartbeat) VALUES ($1, $2, 'active', now())
              ON CONFLICT (user_id, id) DO UPDATE SET last_heartbeat = now(), status = 'active'
              RETURNING w.id, w.current_model
            ), capped AS MATERIALIZED (
              SELECT user_id FROM tasks WHERE status = 'In Progress' AND NOT is_orchestrator
              GROUP BY user_id HAVING count(*) >= 5
            )""";

    /**
     * Everything that makes a Queued task claimable, besides its place in the order. The cheap
     * column checks first; then, in this order (a CASE fixes it), the owner not at the cap, the
     * owner's credits and settings (one primary-key probe), the dependencies, and last the owner's
     * claim lock, so that the lock is taken only for a row that will be handed out.
     */
    private static final String CLAIMABLE = """
            t.status = 'Queued' AND t.run_type = $3
                AND (t.run_after IS NULL OR t.run_after <= now())
                AND t.attempts < t.max_attempts
                AND CASE
                      WHEN NOT (t.is_orchestrator OR t.user_id NOT IN (SELECT user_id FROM capped)) THEN false
                      WHEN NOT coalesce((SELECT u.total_credits > 0 AND %s FROM users u WHERE u.id = t.user_id), false)
                        THEN false
                      WHEN cardinality(t.dependant_on) > 0
                           AND (SELECT count(*) FROM tasks d WHERE d.id = ANY (t.dependant_on) AND d.status = 'Complete')
                               <> cardinality(t.dependant_on) THEN false
                      ELSE t.is_orchestrator
                           OR pg_try_advisory_xact_lock(hashtextextended('reigh.owner-cap:' || t.user_id::text, 0))
                    END""";

    /** Cloud workers respect the owner's "in cloud" switch; local workers take only their owner's tasks. */
    private static final String CLOUD = "(u.settings #> '{ui,generationMethods,inCloud}') IS DISTINCT FROM 'false'::jsonb";
    private static final String LOCAL = "t.user_id = $2";

    private static final String CUTOFF = "now() - make_interval(secs => $5::float8 * 60)";

    /** The most tasks one claim may take (the API's bound: {@code limit} 1..50). */
    public static final int MAX_LIMIT = 50;

    /**
     * One statement per limit, the limit written in it, run with its generic plan (planned once per
     * connection). PostgreSQL planned the claim again on every call, ≈ 1–2.5 ms of its CPU each, more
     * than running it: with {@code LIMIT $n} a generic plan must assume a tenth of the rows, and even
     * with the limit written in, on a short queue each call's custom plan (which drops the branches
     * {@code same_model_only} switches off) looks cheaper. The generic plan is the same index-ordered
     * walk: measured on 300k queued tasks, 0.6–1.1 ms to run against 0.9–1.8 ms for a custom plan,
     * planning 0.03 ms against ≈ 1 ms. Index i holds the statement for limit i (0 unused).
     */
    private static final String[] CLAIM_CLOUD = statements(CLOUD);
    private static final String[] CLAIM_LOCAL = statements(LOCAL);

    private static String[] statements(String ownerRule) {
        String[] byLimit = new String[MAX_LIMIT + 1];
        for (int limit = 1; limit <= MAX_LIMIT; limit++) {
            byLimit[limit] = claim(ownerRule, limit);
        }
        return byLimit;
    }

    static String claim(String ownerRule, int limit) {
        String claimable = ownerRule.equals(LOCAL) ? LOCAL + " AND " + CLAIMABLE.formatted("true")
                : CLAIMABLE.formatted(ownerRule);
        return "/* claim */ WITH " + WORKER + """
                , starving AS (
                  SELECT t.id FROM tasks t
                  WHERE $4 AND t.created_at < %2$s AND %1$s
                  ORDER BY t.created_at, t.id LIMIT %3$d FOR UPDATE OF t SKIP LOCKED
                ), same_model AS (
                  SELECT t.id FROM tasks t
                  WHERE $4 AND t.model_name = (SELECT current_model FROM worker) AND t.created_at >= %2$s AND %1$s
                  ORDER BY t.created_at, t.id LIMIT %3$d FOR UPDATE OF t SKIP LOCKED
                ), oldest AS (
                  SELECT t.id FROM tasks t
                  WHERE (NOT $4 OR (t.created_at >= %2$s
                                    AND (t.model_name IS DISTINCT FROM (SELECT current_model FROM worker)
                                         OR (SELECT current_model FROM worker) IS NULL)))
                    AND %1$s
                  ORDER BY t.created_at, t.id LIMIT %3$d FOR UPDATE OF t SKIP LOCKED
                ), picked AS (
                  SELECT c.id FROM (SELECT id FROM starving UNION ALL SELECT id FROM same_model
                                    UNION ALL SELECT id FROM oldest) c
                  WHERE EXISTS (SELECT 1 FROM worker)
                  LIMIT %3$d
                ), claimed AS (
                  UPDATE tasks t SET status = 'In Progress', lease_token = gen_random_uuid(),
                                     lease_expires_at = now() + make_interval(secs => $6::float8), attempts = t.attempts + 1,
                                     worker_id = $1, worker_user_id = $2, generation_started_at = now(),
                                     run_after = NULL
                  FROM picked WHERE t.id = picked.id AND t.status = 'Queued'
                  RETURNING t.id, t.task_type, t.params, t.project_id, t.parent_task_id, t.attempts, t.lease_token,
                            t.lease_expires_at, t.created_at, t.model_name
                )
                SELECT w.id AS registered_worker, c.*
                FROM worker w LEFT JOIN claimed c ON true
                ORDER BY c.created_at, c.id
                """.formatted(claimable, CUTOFF, limit);
    }

    /** Runs the claim as its own transaction, in one round trip: the claimed tasks (possibly none), oldest first. */
    public Uni<List<ClaimedTask>> claim(Db db, Actor actor, ClaimRequestRow request) {
        String sql = (request.ownerId() == null ? CLAIM_CLOUD : CLAIM_LOCAL)[request.limit()];
        Tuple args = Tuple.tuple().addValue(request.workerId()).addValue(request.ownerId()).addValue(request.runType())
                // A decimal of at most 100 characters in plain form (StorableJson bounds every BigDecimal the
                // shared reader reads) within 0..10080 (ClaimRequest): converting it is cheap and exact enough.
                .addValue(request.sameModelOnly()).addValue(request.maxTaskWaitMinutes().doubleValue())
                .addValue(request.leaseDuration().toMillis() / 1000.0);
        return db.inOneStatementPlannedOnce(actor, sql, args).map(rows -> {
            List<ClaimedTask> tasks = new ArrayList<>(rows.size());
            for (Row row : rows) {
                if (row.getUUID("id") != null) {
                    tasks.add(new ClaimedTask(row.getUUID("id"), row.getString("task_type"), Rows.json(row, "params"),
                            row.getUUID("project_id"), row.getUUID("parent_task_id"), row.getInteger("attempts"),
                            row.getUUID("lease_token"), Rows.instant(row, "lease_expires_at"),
                            Rows.instant(row, "created_at"), row.getString("model_name")));
                }
            }
            return tasks;
        });
    }
}
