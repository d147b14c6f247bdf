package ai.reigh.bench;

/**
 * The raw baselines: the bare statements a queue and a ledger need, sent by the reactive PostgreSQL
 * client as the superuser (no row-level security, no acting context, no HTTP, no service), against
 * the same tables, indexes and triggers the platform uses. PERFORMANCE.md measured the same shapes
 * with pgbench.
 */
final class RawSql {
    private RawSql() {
    }

    /**
     * Claim: the oldest Queued tasks of a run type that are due ({@code run_after}, as the platform's
     * claim; the demo's parked tasks rely on it) and have attempts left, locked with SKIP LOCKED, handed
     * out with a lease. None of the platform's per-owner rules (cap, credits, dependencies, affinity).
     * The limit is written in, as in the platform's claim, so that one plan can serve every call.
     */
    static String claim(int limit) {
        return CLAIM.formatted(limit);
    }

    private static final String CLAIM = """
            UPDATE tasks t SET status = 'In Progress', lease_token = gen_random_uuid(),
                               lease_expires_at = now() + interval '60 seconds', attempts = t.attempts + 1,
                               worker_id = $1, generation_started_at = now(), run_after = NULL
            FROM (SELECT id FROM tasks WHERE status = 'Queued' AND run_type = $2
                    AND (run_after IS NULL OR run_after <= now()) AND attempts < max_attempts
                  ORDER BY run_type, created_at, id LIMIT %d FOR UPDATE SKIP LOCKED) picked
            WHERE t.id = picked.id AND t.status = 'Queued'
            RETURNING t.id, t.lease_token""";

    /** The claim of one task (the latency and depth scenarios'), made once. */
    static final String CLAIM_ONE = claim(1);

    /** Complete: fenced by the lease token. */
    static final String COMPLETE = """
            UPDATE tasks SET status = 'Complete', output_location = $3, generation_processed_at = now(),
                             lease_token = NULL, lease_expires_at = NULL
            WHERE id = $1 AND lease_token = $2 AND status = 'In Progress'""";

    /** Complete several claimed tasks in one statement, each fenced by its lease token. */
    static final String COMPLETE_ALL = """
            UPDATE tasks t SET status = 'Complete', output_location = c.output, generation_processed_at = now(),
                               lease_token = NULL, lease_expires_at = NULL
            FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS c(id, lease, output)
            WHERE t.id = c.id AND t.lease_token = c.lease AND t.status = 'In Progress'""";

    /** The bench's own bookkeeping (untimed): finish a task a timed claim took, so owners stay under the cap. */
    static final String FINISH_ANY = """
            UPDATE tasks SET status = 'Complete', output_location = 'https://cdn.reigh-bench.example/x.png',
                             generation_processed_at = now(), lease_token = NULL, lease_expires_at = NULL
            WHERE id = $1 AND status = 'In Progress'""";

    /** Enqueue one task (the insert trigger signals parked claimers at commit). */
    static final String ENQUEUE = """
            INSERT INTO tasks (project_id, user_id, task_type, params, run_type)
            VALUES ($1, $2, $3, '{}'::jsonb, $4) RETURNING id""";

    /** A charge: one ledger spend; the ledger's trigger moves the balance in the same statement. */
    static final String CHARGE = """
            INSERT INTO credits_ledger (user_id, amount, type, task_id, metadata)
            VALUES ($1, -0.001, 'spend', $2, '{"bench": true}'::jsonb)""";

    /** Spends in one statement, as credits-service writes a batch (in the order of their users). */
    static final String CHARGES = """
            INSERT INTO credits_ledger (user_id, amount, type, task_id, metadata)
            SELECT s.user_id, -0.001, 'spend', s.task_id, '{"bench": true}'::jsonb
            FROM unnest($1::uuid[], $2::uuid[]) AS s(user_id, task_id) ORDER BY s.user_id""";

    /** A heartbeat: the worker's upsert (no leases to renew). */
    static final String HEARTBEAT = """
            INSERT INTO workers AS w (id, status, last_heartbeat, current_model) VALUES ($1, 'active', now(), 'bench-model')
            ON CONFLICT (user_id, id) DO UPDATE SET last_heartbeat = now(), status = 'active', current_model = EXCLUDED.current_model""";

    /** A page of a project's generations, newest first, keyset after ($2, $3). */
    static final String GENERATIONS_PAGE = """
            SELECT id, project_id, task_id, type, url, thumbnail_url, object_id, metadata, name, starred, created_at, updated_at
            FROM generations WHERE project_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
            ORDER BY created_at DESC, id DESC LIMIT 51""";

    /** A page of a project's tasks, newest first, keyset after ($2, $3). */
    static final String TASKS_PAGE = """
            SELECT id, project_id, task_type, status, params, dependant_on, output_location, worker_id, attempts,
                   error_message, result_data, generation_started_at, generation_processed_at, created_at, updated_at
            FROM tasks WHERE project_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
            ORDER BY created_at DESC, id DESC LIMIT 51""";
}
