package ai.reigh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The bench's own data, made and removed with SQL (never through the API): users, projects, credits,
 * two task types and bulk tasks. Everything lives in a fixed UUID range ({@code bbbbbbbb-bbbb-…}) and
 * under the task types {@code bench_noop} (gpu) and {@code bench_noop_api} (api), so that a run can
 * always find and delete what an earlier (even a crashed) run left, and never touches the demo data.
 *
 * <p>Bulk statements run with {@code session_replication_role = replica}: the schema's triggers
 * (realtime events, the ledger's immutability, cascades) are skipped for setup and cleanup only; the
 * measured statements always run with every trigger.
 */
public final class Fixtures {
    public static final String GPU_TYPE = "bench_noop";
    public static final String API_TYPE = "bench_noop_api";
    static final String USER_PREFIX = "bbbbbbbb-bbbb-4bbb-8bbb-";
    static final String PROJECT_PREFIX = "bbbbbbbb-bbbb-4bbb-9bbb-";
    static final String FIRST_USER = USER_PREFIX + "000000000000";
    static final String LAST_USER = USER_PREFIX + "ffffffffffff";
    static final String FIRST_PROJECT = PROJECT_PREFIX + "000000000000";
    static final String LAST_PROJECT = PROJECT_PREFIX + "ffffffffffff";
    /** The project whose pages the read scenario walks (its own range, after the per-user projects). */
    public static final UUID READ_PROJECT = UUID.fromString(PROJECT_PREFIX + "ffffffff0000");
    /** Owners of queued bench tasks: enough that 64 workers × 10 never meet the cap of 5 per owner. */
    public static final int TASK_OWNERS = 1_000;
    /** Demo tasks parked during the run are restored from here even after a crashed run. */
    static final String PARKED_FILE = "bench-parked.json";

    private static final String BENCH_USERS = "user_id BETWEEN '" + FIRST_USER + "' AND '" + LAST_USER + "'";

    private final Database db;
    private final Path parkedFile;
    private int users;

    public Fixtures(Database db, Path state) {
        this.db = db;
        this.parkedFile = state.resolve(PARKED_FILE);
    }

    public static UUID user(int index) {
        return UUID.fromString(USER_PREFIX + String.format("%012x", index));
    }

    public static UUID project(int index) {
        return UUID.fromString(PROJECT_PREFIX + String.format("%012x", index));
    }

    public int users() {
        return users;
    }

    /**
     * Removes whatever an earlier run left, restores demo tasks an earlier run parked, then creates
     * {@code userCount} users with a project and 1,000,000 credits each, and the two task types.
     */
    public void create(int userCount) {
        restoreParked();
        remove();
        users = userCount;
        // With the triggers: each type needs its first version (the price in force at a task's start).
        db.sql("""
                INSERT INTO task_cost_configs (task_type, billing_type, unit_cost, run_type, category, display_name)
                VALUES ('bench_noop', 'per_unit', 0.001, 'gpu', 'utility', 'Bench no-op (gpu)'),
                       ('bench_noop_api', 'per_unit', 0.001, 'api', 'utility', 'Bench no-op (api)')
                ON CONFLICT (task_type) DO NOTHING""");
        db.sql("""
                INSERT INTO users (id, email, name)
                SELECT ('%s' || lpad(to_hex(i), 12, '0'))::uuid, 'bench-' || i || '@reigh-bench.example', 'bench ' || i
                FROM generate_series(0, $1 - 1) i""".formatted(USER_PREFIX), Tuple.of(userCount));
        db.sql("""
                INSERT INTO projects (id, user_id, name)
                SELECT ('%s' || lpad(to_hex(i), 12, '0'))::uuid, ('%s' || lpad(to_hex(i), 12, '0'))::uuid, 'bench'
                FROM generate_series(0, $1 - 1) i""".formatted(PROJECT_PREFIX, USER_PREFIX), Tuple.of(userCount));
        db.sql("INSERT INTO projects (id, user_id, name) VALUES ($1, $2, 'bench reads')",
                Tuple.of(READ_PROJECT, user(0)));
        // Credits through the ledger (its trigger moves the balance): the claim skips owners without credits.
        db.sql("""
                INSERT INTO credits_ledger (user_id, amount, type, idempotency_key, metadata)
                SELECT id, 1000000, 'manual', 'bench:' || id, '{"reason": "bench"}'::jsonb FROM users
                WHERE id BETWEEN '%s' AND '%s'""".formatted(FIRST_USER, LAST_USER));
        // Statistics as a live database has them: planned on a near-empty projects table, the platform's
        // row-level security sub-plan (the caller's projects) scanned all 10k of them on every page.
        db.sql("ANALYZE users, projects, credits_ledger");
    }

    /**
     * Demo tasks still Queued would be claimed by the bench's workers (the claim takes the oldest
     * task of any owner): they are made not claimable for the run ({@code run_after} two hours
     * ahead, so that a run killed before restoring them only delays them) and restored afterwards.
     */
    public int parkForeignQueuedTasks() {
        RowSet<Row> rows = db.sql("""
                WITH old AS (
                  SELECT id, run_after FROM tasks WHERE status = 'Queued' AND NOT (%s) FOR UPDATE
                )
                UPDATE tasks t SET run_after = now() + interval '2 hours' FROM old WHERE t.id = old.id
                RETURNING t.id, old.run_after""".formatted(BENCH_USERS));
        JsonArray parked = new JsonArray();
        for (Row row : rows) {
            parked.add(new JsonObject().put("id", row.getUUID("id").toString()).put("run_after",
                    row.getOffsetDateTime("run_after") == null ? null : row.getOffsetDateTime("run_after").toString()));
        }
        if (!parked.isEmpty()) {
            try {
                Files.createDirectories(parkedFile.getParent());
                Files.writeString(parkedFile, parked.encode());
            } catch (IOException e) {
                throw new IllegalStateException("cannot remember the parked demo tasks in " + parkedFile, e);
            }
        }
        return parked.size();
    }

    public void restoreParked() {
        if (!Files.exists(parkedFile)) {
            return;
        }
        try {
            JsonArray parked = new JsonArray(Files.readString(parkedFile));
            List<UUID> ids = new ArrayList<>();
            List<String> times = new ArrayList<>();
            for (int i = 0; i < parked.size(); i++) {
                ids.add(UUID.fromString(parked.getJsonObject(i).getString("id")));
                times.add(parked.getJsonObject(i).getString("run_after"));
            }
            db.sql("""
                    UPDATE tasks t SET run_after = p.run_after::timestamptz
                    FROM unnest($1::uuid[], $2::text[]) AS p(id, run_after)
                    WHERE t.id = p.id AND t.status = 'Queued'""",
                    Tuple.tuple().addArrayOfUUID(ids.toArray(new UUID[0])).addArrayOfString(times.toArray(new String[0])));
            Files.delete(parkedFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the parked demo tasks in " + parkedFile, e);
        }
    }

    /**
     * Adds {@code count} Queued tasks of the given run type, owners in turn (task i belongs to owner
     * i mod 1000), in creation order after every task already there.
     */
    public void addQueued(int count, String runType) {
        if (count <= 0) {
            return;
        }
        String type = runType.equals("api") ? API_TYPE : GPU_TYPE;
        inReplicaMode(c -> c.preparedQuery("""
                INSERT INTO tasks (project_id, user_id, task_type, params, run_type, created_at)
                SELECT ('%s' || lpad(to_hex(i %% $2), 12, '0'))::uuid, ('%s' || lpad(to_hex(i %% $2), 12, '0'))::uuid,
                       $3, '{}'::jsonb, $4, clock_timestamp() + i * interval '1 microsecond'
                FROM generate_series(0, $1 - 1) i""".formatted(PROJECT_PREFIX, USER_PREFIX))
                .execute(Tuple.of(count, TASK_OWNERS, type, runType)));
    }

    /** Adds {@code count} finished (Complete) bench tasks: rows the claim must never pay for. */
    public void addFinished(int count) {
        inReplicaMode(c -> c.preparedQuery("""
                INSERT INTO tasks (project_id, user_id, task_type, params, run_type, status, attempts,
                                   output_location, generation_started_at, generation_processed_at, created_at)
                SELECT ('%s' || lpad(to_hex(i %% $2), 12, '0'))::uuid, ('%s' || lpad(to_hex(i %% $2), 12, '0'))::uuid,
                       'bench_noop', '{}'::jsonb, 'gpu', 'Complete', 1, 'https://cdn.reigh-bench.example/done.png',
                       now(), now(), clock_timestamp() - interval '1 day' + i * interval '1 microsecond'
                FROM generate_series(0, $1 - 1) i""".formatted(PROJECT_PREFIX, USER_PREFIX))
                .execute(Tuple.of(count, TASK_OWNERS)));
    }

    /** Makes the bench's queue hold exactly {@code depth} claimable gpu tasks. */
    public void queueDepth(int depth) {
        long queued = queued("gpu");
        if (queued < depth) {
            addQueued((int) (depth - queued), "gpu");
        } else if (queued > depth) {
            inReplicaMode(c -> c.preparedQuery("""
                    DELETE FROM tasks WHERE id IN (
                      SELECT id FROM tasks WHERE status = 'Queued' AND run_type = 'gpu' AND %s
                      ORDER BY created_at DESC LIMIT $1)""".formatted(BENCH_USERS)).execute(Tuple.of(queued - depth)));
        }
    }

    public long queued(String runType) {
        return db.count("SELECT count(*) FROM tasks WHERE status = 'Queued' AND run_type = $1 AND " + BENCH_USERS,
                Tuple.of(runType));
    }

    /** Every bench task that is not Queued (claimed, finished), its outbox rows and realtime events. */
    public void removeWorkedTasks() {
        inReplicaMode(c -> c.query("""
                DELETE FROM task_outbox WHERE task_id IN (SELECT id FROM tasks WHERE status <> 'Queued' AND %1$s);
                DELETE FROM tasks WHERE status <> 'Queued' AND %1$s""".formatted(BENCH_USERS)).execute());
    }

    public void removeAllTasks() {
        inReplicaMode(c -> c.query("""
                DELETE FROM task_outbox WHERE task_id IN (SELECT id FROM tasks WHERE %1$s);
                DELETE FROM tasks WHERE %1$s""".formatted(BENCH_USERS)).execute());
    }

    /** Undelivered outbox rows of bench tasks: the relay's backlog the platform still owes. */
    public long outboxPending() {
        return db.count("""
                SELECT count(*) FROM task_outbox o WHERE o.delivered_at IS NULL AND o.parked_at IS NULL
                  AND o.payload ->> 'user_id' BETWEEN $1 AND $2""", Tuple.of(FIRST_USER, LAST_USER));
    }

    /** Waits (untimed) until the relay delivered every bench row, at most {@code limit}; the seconds it took. */
    public double awaitOutboxDrained(Duration limit) {
        long started = System.nanoTime();
        long deadline = started + limit.toNanos();
        while (outboxPending() > 0) {
            if (System.nanoTime() > deadline) {
                Context.log("outbox not drained within %d s; going on", limit.toSeconds());
                break;
            }
            ClaimThroughput.sleep(100);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Statistics and dead rows: run between figures so that both sides start from the same table. */
    public void vacuum() {
        db.sql("VACUUM (ANALYZE) tasks");
        db.sql("VACUUM task_outbox");
    }

    /**
     * After bulk deletes: the table and its indexes rewritten at their live size. Without it a few
     * live rows sit in a table and indexes sized for a million: the planner then prefers a sequential
     * scan of the bloated heap to the bloated primary key (seen on credits-service's charge read,
     * 6 ms per charge), which would charge the next scenario for this one's setup. Locks the table
     * for the second it takes (the bench's own suite).
     */
    public void compact() {
        db.sql("VACUUM (FULL, ANALYZE) tasks");
        db.sql("VACUUM (FULL, ANALYZE) task_outbox");
    }

    /** Everything the bench ever made: tasks, outbox rows, events, workers, ledger entries, users, types. */
    public void remove() {
        inReplicaMode(c -> c.query("""
                DELETE FROM task_outbox WHERE task_id IN (SELECT id FROM tasks WHERE %1$s);
                DELETE FROM task_outbox WHERE payload ->> 'user_id' BETWEEN '%2$s' AND '%3$s';
                DELETE FROM tasks WHERE %1$s;
                DELETE FROM realtime_events WHERE project_id BETWEEN '%4$s' AND '%5$s';
                DELETE FROM generations WHERE project_id BETWEEN '%4$s' AND '%5$s';
                DELETE FROM projects WHERE id BETWEEN '%4$s' AND '%5$s';
                DELETE FROM workers WHERE id LIKE 'bench-%%';
                DELETE FROM credits_ledger WHERE %1$s;
                DELETE FROM users WHERE id BETWEEN '%2$s' AND '%3$s';
                DELETE FROM task_cost_config_versions WHERE task_type IN ('bench_noop', 'bench_noop_api');
                DELETE FROM task_cost_configs WHERE task_type IN ('bench_noop', 'bench_noop_api')"""
                .formatted(BENCH_USERS, FIRST_USER, LAST_USER, FIRST_PROJECT, LAST_PROJECT)).execute());
        compact();
    }

    /** The read scenario's project: {@code rows} generations and {@code rows} finished tasks. */
    public void readProject(int rows) {
        inReplicaMode(c -> c.preparedQuery("""
                INSERT INTO generations (project_id, task_id, tasks, type, url, metadata, created_at)
                SELECT $1, g.task_id, ARRAY[g.task_id], CASE WHEN g.i % 4 = 0 THEN 'video' ELSE 'image' END,
                       'https://cdn.reigh-bench.example/g/' || g.i || '.png', '{"prompt": "bench"}'::jsonb,
                       now() - interval '1 day' + g.i * interval '1 millisecond'
                FROM (SELECT i, gen_random_uuid() AS task_id FROM generate_series(0, $2 - 1) i) g""").execute(Tuple.of(READ_PROJECT, rows))
                .compose(done -> c.preparedQuery("""
                        INSERT INTO tasks (project_id, user_id, task_type, params, run_type, status, attempts,
                                           output_location, generation_started_at, generation_processed_at, created_at)
                        SELECT $1, $2, 'bench_noop', '{"prompt": "bench"}'::jsonb, 'gpu', 'Complete', 1,
                               'https://cdn.reigh-bench.example/t/' || i || '.png', now(), now(),
                               now() - interval '1 day' + i * interval '1 millisecond'
                        FROM generate_series(0, $3 - 1) i""").execute(Tuple.of(READ_PROJECT, user(0), rows))));
        db.sql("ANALYZE generations");
        db.sql("ANALYZE tasks");
    }

    private void inReplicaMode(Function<SqlConnection, Future<?>> work) {
        Await.of(db.admin().withTransaction(c -> c.query("SET LOCAL session_replication_role = replica").execute()
                .compose(set -> work.apply(c))));
    }
}
