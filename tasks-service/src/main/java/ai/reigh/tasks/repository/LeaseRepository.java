package ai.reigh.tasks.repository;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.db.Rows;
import ai.reigh.common.tracing.TraceIds;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every write a worker makes to a task, fenced by its lease: the presented {@code lease_token} is
 * compared in the UPDATE's WHERE clause (compare-and-set, never read-then-write), so a worker whose
 * lease was taken back writes nothing, whatever the interleaving.
 */
@ApplicationScoped
public class LeaseRepository {
    private static final String UTC_TIMESTAMP = "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    static final String START = """
            UPDATE tasks SET generation_started_at = now(), lease_expires_at = now() + make_interval(secs => $3::float8)
            WHERE id = $1 AND status = 'In Progress' AND lease_token = $2
            RETURNING\s""" + TaskColumns.PLAIN;

    /**
     * The completing transaction of one task or many, in one statement: each task becomes Complete and
     * its outbox rows are written — the generation (unless the type is an orchestration, produces
     * nothing, the params say {@code skip_generation: true}, or the output is not a URL: a JSON result)
     * and the charge, for every task: work is billed where it happens, so a sub-task is charged on its own
     * whatever becomes of its parent (credits-service prices an orchestrator's own time at zero). ON
     * CONFLICT keeps a row per (task, kind) whatever happens.
     *
     * <p>The completions come as parallel arrays, one element per task ($1 ids, $2 presented leases, $3
     * outputs, $4 results as JSON text, $5 completion hashes, $6 thumbnails, $7 object ids). {@code fence}
     * says which In Progress task may complete, in terms of {@code t} (the task) and {@code i} (its
     * completion): the one whose lease was presented (a worker), or a waiting orchestrator (the platform,
     * {@link OrchestratorRepository}); a task the fence refuses is left as it is and not returned. The
     * rows are locked in id order first, as the heartbeat's renewal locks them: two statements over the
     * same worker's tasks wait for each other instead of deadlocking. The outbox rows carry the completing
     * request's trace ($8, a traceparent): the relay continues it.
     */
    static String completing(String fence) {
        return """
                WITH input AS (
                  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[])
                           AS i(task_id, presented_lease, output, result, hash, thumbnail, object_id)
                ), locked AS (
                  SELECT t.id FROM tasks t JOIN input i ON i.task_id = t.id
                  WHERE t.status = 'In Progress' AND %4$s
                  ORDER BY t.id FOR UPDATE OF t
                ), done AS (
                  UPDATE tasks t SET status = 'Complete', output_location = i.output, result_data = i.result::jsonb,
                                     generation_processed_at = now(), lease_token = NULL, lease_expires_at = NULL,
                                     completion_hash = i.hash, error_message = NULL
                  FROM locked l JOIN input i ON i.task_id = l.id
                  WHERE t.id = l.id AND t.status = 'In Progress' AND %4$s
                  RETURNING %1$s, i.thumbnail, i.object_id
                ), generation AS (
                  INSERT INTO task_outbox (task_id, kind, traceparent, payload)
                  SELECT d.id, 'generation', $8::text, jsonb_build_object(
                           'task_id', d.id, 'project_id', d.project_id, 'type', k.content_type, 'url', d.output_location,
                           'thumbnail_url', d.thumbnail, 'object_id', d.object_id, 'metadata', d.params,
                           'shot_id', d.params -> 'shot_id', 'add_in_position', d.params -> 'add_in_position')
                  FROM done d JOIN task_cost_configs k ON k.task_type = d.task_type
                  WHERE k.category <> 'orchestration' AND k.content_type IS NOT NULL
                    AND (d.params -> 'skip_generation') IS DISTINCT FROM 'true'::jsonb
                    AND d.output_location ~* '^https?://'
                  ON CONFLICT (task_id, kind) DO NOTHING
                ), charge AS (
                  INSERT INTO task_outbox (task_id, kind, traceparent, payload)
                  SELECT d.id, 'charge', $8::text, jsonb_build_object(
                           'task_id', d.id, 'user_id', d.user_id, 'task_type', d.task_type, 'params', d.params,
                           'started_at', %2$s, 'processed_at', %3$s)
                  FROM done d
                  ON CONFLICT (task_id, kind) DO NOTHING
                )
                SELECT %5$s FROM done d
                """.formatted(TaskColumns.of("t"), UTC_TIMESTAMP.formatted("coalesce(d.generation_started_at, d.created_at)"),
                UTC_TIMESTAMP.formatted("d.generation_processed_at"), fence, TaskColumns.of("d"));
    }

    static final String COMPLETE = completing("t.lease_token = i.presented_lease");

    /**
     * A reported failure: requeued with exponential backoff (and ±25 % jitter) while attempts remain
     * and the worker says it is worth retrying (naming no worker any more), else Failed with the error
     * and the worker of its last attempt kept.
     */
    static final String FAIL = """
            UPDATE tasks SET
              status = CASE WHEN $3 AND attempts < max_attempts THEN 'Queued' ELSE 'Failed' END,
              error_message = $4, lease_token = NULL, lease_expires_at = NULL,
              worker_id = CASE WHEN $3 AND attempts < max_attempts THEN NULL ELSE worker_id END,
              worker_user_id = CASE WHEN $3 AND attempts < max_attempts THEN NULL ELSE worker_user_id END,
              run_after = CASE WHEN $3 AND attempts < max_attempts
                               THEN now() + make_interval(secs => least($6::float8, $5::float8 * power(2, attempts - 1))
                                                                  * (0.75 + random() * 0.5)) END,
              generation_processed_at = CASE WHEN $3 AND attempts < max_attempts THEN generation_processed_at ELSE now() END
            WHERE id = $1 AND status = 'In Progress' AND lease_token = $2
            RETURNING\s""" + TaskColumns.PLAIN;

    /**
     * A heartbeat in one statement: upsert the worker ($2, $1) — its id in its owner's namespace, $2
     * null for cloud workers — renew the leases of the named tasks it still holds (by worker, and by
     * token where one is given) — or, with $11 (the fleet's heartbeats, which name no task), of every
     * task it holds — and report which named tasks were cancelled while it held them. A task is this
     * worker's only when both worker_id and worker_user_id match: a cloud gpu-1 never renews a local
     * gpu-1's lease, nor the reverse. The renewed rows are locked in id order first, as a completion
     * locks its tasks: a worker's heartbeat and its completion of several tasks never deadlock.
     */
    static final String HEARTBEAT = """
            WITH worker AS (
              INSERT INTO workers AS w (id, user_id, status, current_model, vram_total_mb, vram_used_mb, last_heartbeat)
              VALUES ($1, $2, $3, $4, $5, $6, now())
              ON CONFLICT (user_id, id) DO UPDATE SET status = EXCLUDED.status,
                                             current_model = coalesce(EXCLUDED.current_model, w.current_model),
                                             vram_total_mb = coalesce(EXCLUDED.vram_total_mb, w.vram_total_mb),
                                             vram_used_mb = coalesce(EXCLUDED.vram_used_mb, w.vram_used_mb),
                                             last_heartbeat = now()
              RETURNING w.id
            ), named(id, token) AS (
              SELECT * FROM unnest($7::uuid[], $8::uuid[])
            ), held AS (
              SELECT t.id FROM tasks t
              WHERE t.status = 'In Progress' AND t.worker_id = $1 AND t.worker_user_id IS NOT DISTINCT FROM $2::uuid
                AND t.lease_token IS NOT NULL
                AND ($11 OR EXISTS (SELECT 1 FROM named n WHERE n.id = t.id AND (n.token IS NULL OR t.lease_token = n.token)))
                AND NOT $10
              ORDER BY t.id FOR UPDATE OF t
            ), renewed AS (
              UPDATE tasks t SET lease_expires_at = now() + make_interval(secs => $9::float8)
              FROM held h WHERE t.id = h.id
              RETURNING t.id
            )
            SELECT array(SELECT id FROM renewed) AS renewed,
                   array(SELECT t.id FROM tasks t JOIN named n ON n.id = t.id
                         WHERE t.status = 'Cancelled' AND t.worker_id = $1
                           AND t.worker_user_id IS NOT DISTINCT FROM $2::uuid) AS cancelled,
                   now() + make_interval(secs => $9::float8) AS lease_expires_at
            """;

    /**
     * A worker ($2, $1) that says it crashed (or terminated) gives its tasks back (Failed where that was
     * the last attempt): its own only, never those of a worker of the same id in another namespace. A
     * requeued task names no worker any more; a Failed one keeps the worker of its last attempt.
     */
    static final String RELEASE_WORKER_TASKS = """
            UPDATE tasks SET status = CASE WHEN attempts < max_attempts THEN 'Queued' ELSE 'Failed' END,
                             error_message = format('worker %s crashed on attempt %s of %s', worker_id, attempts, max_attempts),
                             lease_token = NULL, lease_expires_at = NULL,
                             worker_id = CASE WHEN attempts < max_attempts THEN NULL ELSE worker_id END,
                             worker_user_id = CASE WHEN attempts < max_attempts THEN NULL ELSE worker_user_id END,
                             generation_processed_at = CASE WHEN attempts < max_attempts THEN generation_processed_at
                                                            ELSE now() END
            WHERE worker_id = $1 AND worker_user_id IS NOT DISTINCT FROM $2::uuid AND status = 'In Progress'
            RETURNING id, status
            """;

    static final String LEASE_VIEW = """
            SELECT id, user_id, project_id, status, lease_token, lease_expires_at FROM tasks WHERE id = $1
            """;

    /** The started task (its own transaction, one round trip), or null when the lease is not the presented one. */
    public Uni<TaskRow> start(Db db, Actor actor, UUID taskId, UUID leaseToken, Duration lease) {
        return db.inOneStatement(actor, START, Tuple.of(taskId, leaseToken, seconds(lease)))
                .map(rows -> Rows.first(rows, TaskColumns::map));
    }

    /**
     * The tasks these completions completed (one transaction, one round trip: the transitions and the
     * outbox rows are one statement); a completion whose lease is not (or no longer) the presented one
     * completes nothing and is not among them.
     */
    public Uni<List<TaskRow>> complete(Db db, Actor actor, List<Completion> completions) {
        return db.inOneStatement(actor, COMPLETE, completionArguments(completions))
                .map(rows -> Rows.map(rows, TaskColumns::map));
    }

    static Tuple completionArguments(List<Completion> completions) {
        int n = completions.size();
        UUID[] ids = new UUID[n];
        UUID[] leases = new UUID[n];
        String[] outputs = new String[n];
        String[] results = new String[n];
        String[] hashes = new String[n];
        String[] thumbnails = new String[n];
        UUID[] objects = new UUID[n];
        for (int k = 0; k < n; k++) {
            Completion completion = completions.get(k);
            ids[k] = completion.taskId();
            leases[k] = completion.leaseToken();
            outputs[k] = completion.outputLocation();
            results[k] = completion.resultData() == null || completion.resultData().isNull() ? null
                    : completion.resultData().toString();
            hashes[k] = completion.completionHash();
            thumbnails[k] = completion.thumbnailUrl();
            objects[k] = completion.objectId();
        }
        return Tuple.tuple().addValue(ids).addValue(leases).addValue(outputs).addValue(results).addValue(hashes)
                .addValue(thumbnails).addValue(objects).addValue(TraceIds.currentTraceparent());
    }

    public Uni<TaskRow> fail(SqlConnection connection, UUID taskId, UUID leaseToken, String error, boolean retryable,
            Duration backoffBase, Duration backoffMax) {
        Tuple args = Tuple.tuple().addValue(taskId).addValue(leaseToken).addValue(retryable).addValue(error)
                .addValue(seconds(backoffBase)).addValue(seconds(backoffMax));
        return connection.preparedQuery(FAIL).execute(args).map(rows -> Rows.first(rows, TaskColumns::map));
    }

    public Uni<HeartbeatOutcome> heartbeat(SqlConnection connection, Heartbeat beat) {
        return connection.preparedQuery(HEARTBEAT).execute(heartbeatArguments(beat)).map(LeaseRepository::heartbeatOutcome);
    }

    /** The heartbeat as its own transaction, in one round trip (no crash to handle after it). */
    public Uni<HeartbeatOutcome> heartbeat(Db db, Actor actor, Heartbeat beat) {
        return db.inOneStatement(actor, HEARTBEAT, heartbeatArguments(beat)).map(LeaseRepository::heartbeatOutcome);
    }

    private static Tuple heartbeatArguments(Heartbeat beat) {
        return Tuple.tuple().addValue(beat.workerId()).addValue(beat.ownerId()).addValue(beat.status())
                .addValue(beat.currentModel()).addValue(beat.vramTotalMb()).addValue(beat.vramUsedMb())
                .addValue(beat.taskIds().toArray(UUID[]::new)).addValue(beat.leaseTokens().toArray(UUID[]::new))
                .addValue(seconds(beat.leaseDuration())).addValue(beat.releases()).addValue(beat.renewAllHeld());
    }

    private static HeartbeatOutcome heartbeatOutcome(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        Row row = rows.iterator().next();
        return new HeartbeatOutcome(uuids(row, "renewed"), uuids(row, "cancelled"),
                Rows.instant(row, "lease_expires_at"));
    }


    /** {@code ownerId}: the local worker's owner, null for a cloud worker. */
    public Uni<List<Ended>> releaseWorkerTasks(SqlConnection connection, String workerId, UUID ownerId) {
        return connection.preparedQuery(RELEASE_WORKER_TASKS).execute(Tuple.of(workerId, ownerId))
                .map(rows -> Rows.map(rows, row -> new Ended(row.getUUID("id"), row.getString("status"))));
    }

    public Uni<LeaseView> leaseView(SqlConnection connection, UUID taskId) {
        return connection.preparedQuery(LEASE_VIEW).execute(Tuple.of(taskId))
                .map(rows -> Rows.first(rows, row -> new LeaseView(row.getUUID("id"), row.getUUID("user_id"),
                        row.getUUID("project_id"), row.getString("status"), row.getUUID("lease_token"),
                        Rows.instant(row, "lease_expires_at"))));
    }

    static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static List<UUID> uuids(Row row, String column) {
        UUID[] values = row.getArrayOfUUIDs(column);
        return values == null ? List.of() : List.of(values);
    }
}
