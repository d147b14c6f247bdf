package ai.reigh.tasks.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.common.db.Actor;
import ai.reigh.common.db.Db;
import ai.reigh.common.db.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tasks as users (and orchestrators) create, read and cancel them, and the cascades that follow a
 * task ending badly. Every statement runs under the caller's acting context: row-level security
 * hides other users' tasks, projects and dependencies, which the service turns into 404s.
 */
@ApplicationScoped
public class TaskRepository {

    /**
     * Creation in one statement: the project must be the owner's, the type active, every dependency a
     * task of the same project (locked FOR SHARE so that it cannot end badly between this check and
     * the insert without the cascade seeing the new dependant), none already Failed/Cancelled. An
     * idempotency key already used by the owner returns that task instead (the caller compares the
     * request hash); a concurrent first use of the same key loses the ON CONFLICT and reads it after.
     */
    static final String CREATE = """
            WITH project AS (
              SELECT p.id, p.user_id FROM projects p WHERE p.id = $1 AND p.user_id = $2
            ), task_type AS (
              SELECT c.task_type, c.run_type, c.category = 'orchestration' AS is_orchestrator
              FROM task_cost_configs c WHERE c.task_type = $3 AND c.is_active
            ), existing AS (
              SELECT %1$s FROM tasks e WHERE $8::text IS NOT NULL AND e.user_id = $2 AND e.idempotency_key = $8
            ), deps AS (
              SELECT d.id, d.status FROM tasks d WHERE d.id = ANY ($5::uuid[]) AND d.project_id = $1 FOR SHARE
            ), inserted AS (
              INSERT INTO tasks (id, project_id, user_id, task_type, params, dependant_on, parent_task_id, run_type,
                                 is_orchestrator, max_attempts, idempotency_key, request_hash)
              SELECT coalesce($10::uuid, gen_random_uuid()), p.id, p.user_id, tt.task_type, $4, $5, $6, tt.run_type,
                     tt.is_orchestrator, $7, $8, $9
              FROM project p, task_type tt
              WHERE NOT EXISTS (SELECT 1 FROM existing)
                AND (SELECT count(*) FROM deps) = cardinality($5::uuid[])
                AND NOT EXISTS (SELECT 1 FROM deps WHERE status IN ('Failed', 'Cancelled'))
              ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
              RETURNING %2$s
            )
            SELECT checks.*, r.*
            FROM (SELECT EXISTS (SELECT 1 FROM project) AS project_found,
                         EXISTS (SELECT 1 FROM task_type) AS type_found,
                         (SELECT count(*) FROM deps) AS deps_found,
                         (SELECT d.id FROM deps d WHERE d.status IN ('Failed', 'Cancelled') ORDER BY d.id LIMIT 1)
                           AS failed_dependency) checks
            LEFT JOIN (SELECT true AS created, i.* FROM inserted i
                       UNION ALL SELECT false, x.* FROM existing x) r ON true
            """.formatted(TaskColumns.of("e"), TaskColumns.PLAIN);

    static final String FIND_BY_IDEMPOTENCY_KEY = "SELECT " + TaskColumns.PLAIN
            + " FROM tasks WHERE user_id = $1 AND idempotency_key = $2";

    static final String FIND = "SELECT " + TaskColumns.PLAIN + " FROM tasks WHERE id = $1";

    static final String FIND_ALL = "SELECT " + TaskColumns.PLAIN + " FROM tasks WHERE id = ANY($1::uuid[])";

    static final String PROJECT_VISIBLE = "SELECT EXISTS (SELECT 1 FROM projects WHERE id = $1) AS found";

    /** How many of the given projects the acting user can see (row-level security hides the rest). */
    static final String PROJECTS_VISIBLE = "SELECT count(*) AS found FROM projects WHERE id = ANY ($1::uuid[])";

    /** Queued or In Progress → Cancelled; a terminal task is left alone (the caller answers 409). */
    static final String CANCEL = """
            UPDATE tasks SET status = 'Cancelled', lease_token = NULL, lease_expires_at = NULL
            WHERE id = $1 AND status IN ('Queued', 'In Progress')
            RETURNING\s""" + TaskColumns.PLAIN;

    /**
     * A worker cancels a task it holds, or a child of the orchestrator it holds: $2 is the lease token of
     * the one or the other, compared in the statement (the fleet's protocol: an orchestrator cancelling
     * its children).
     */
    static final String CANCEL_AS_HOLDER = """
            UPDATE tasks t SET status = 'Cancelled', lease_token = NULL, lease_expires_at = NULL, error_message = $3
            WHERE t.id = $1 AND t.status IN ('Queued', 'In Progress')
              AND (t.lease_token = $2 OR EXISTS (SELECT 1 FROM tasks p WHERE p.id = t.parent_task_id
                                                  AND p.status = 'In Progress' AND p.lease_token = $2))
            RETURNING\s""" + TaskColumns.PLAIN;

    /** The sub-tasks (and theirs) of cancelled orchestrators are cancelled with them. */
    static final String CANCEL_SUBTREES = """
            WITH RECURSIVE subtree(id, root, depth) AS (
              SELECT c.id, c.parent_task_id, 1 FROM tasks c WHERE c.parent_task_id = ANY ($1::uuid[])
              UNION ALL
              SELECT c.id, s.root, s.depth + 1 FROM tasks c JOIN subtree s ON c.parent_task_id = s.id WHERE s.depth < 20
            )
            UPDATE tasks t SET status = 'Cancelled', lease_token = NULL, lease_expires_at = NULL,
                               error_message = 'cancelled with its parent task ' || s.root
            FROM subtree s
            WHERE t.id = s.id AND t.status IN ('Queued', 'In Progress')
            RETURNING t.id
            """;

    /**
     * Queued tasks that depend (directly or through other dependants) on tasks that ended Failed or
     * Cancelled can never run: they fail too, naming the dependency that doomed them.
     */
    static final String FAIL_DEPENDANTS = """
            WITH RECURSIVE doomed(id, cause, cause_status, depth) AS (
              SELECT t.id, f.id, f.status, 1
              FROM tasks f JOIN tasks t ON t.dependant_on @> ARRAY[f.id] AND t.status = 'Queued'
              WHERE f.id = ANY ($1::uuid[]) AND f.status IN ('Failed', 'Cancelled')
              UNION
              SELECT t.id, d.id, 'Failed', d.depth + 1
              FROM doomed d JOIN tasks t ON t.dependant_on @> ARRAY[d.id] AND t.status = 'Queued'
              WHERE d.depth < 100
            )
            UPDATE tasks t SET status = 'Failed',
                               error_message = format('dependency %s ended %s', d.cause, d.cause_status)
            FROM (SELECT DISTINCT ON (id) id, cause, cause_status FROM doomed ORDER BY id, depth) d
            WHERE t.id = d.id AND t.status = 'Queued'
            RETURNING t.id
            """;

    /**
     * The parent of a sub-task being created, locked FOR NO KEY UPDATE: its lease cannot be taken back
     * (or the task completed) before the insert commits, and concurrent creations of children of one
     * parent are serialised, so that the children bound counted after this lock holds (FOR SHARE let
     * them all count the same children and all insert). Also: whether its type is an orchestration
     * type in the registry, and its lineage — itself and the tasks above it, walked up at most
     * {@code $3} (the nesting bound) levels — whose deepest level is the parent's nesting depth (capped
     * at the bound).
     */
    static final String LOCK_PARENT = """
            WITH RECURSIVE lineage(id, parent_task_id, depth) AS (
              SELECT t.id, t.parent_task_id, 0 FROM tasks t WHERE t.id = $1
              UNION ALL
              SELECT t.id, t.parent_task_id, l.depth + 1 FROM lineage l JOIN tasks t ON t.id = l.parent_task_id
              WHERE l.depth < $3
            )
            SELECT p.project_id, p.user_id, p.status, p.task_type, p.lease_token = $2 AS holds_lease,
                   c.category = 'orchestration' AS orchestration,
                   (SELECT max(depth) FROM lineage) AS depth,
                   array(SELECT id FROM lineage) AS lineage
            FROM tasks p JOIN task_cost_configs c ON c.task_type = p.task_type
            WHERE p.id = $1 FOR NO KEY UPDATE OF p
            """;

    /**
     * The children of a parent, counted up to the bound (a new statement after the parent's lock: it
     * sees every child committed by the creations that held the lock before).
     */
    static final String COUNT_CHILDREN = """
            SELECT count(*) AS children FROM (SELECT 1 FROM tasks WHERE parent_task_id = $1 LIMIT $2) c
            """;

    public Uni<CreateOutcome> create(SqlConnection connection, NewTask task) {
        return connection.preparedQuery(CREATE).execute(createArguments(task)).map(TaskRepository::createOutcome);
    }

    /** The creation as its own transaction, in one round trip. */
    public Uni<CreateOutcome> create(Db db, Actor actor, NewTask task) {
        return db.inOneStatement(actor, CREATE, createArguments(task)).map(TaskRepository::createOutcome);
    }

    private static Tuple createArguments(NewTask task) {
        return Tuple.tuple(List.of(task.projectId(), task.userId(), task.taskType(), Rows.jsonb(task.params()),
                task.dependantOn().toArray(UUID[]::new)))
                .addValue(task.parentTaskId()).addValue(task.maxAttempts()).addValue(task.idempotencyKey())
                .addValue(task.requestHash()).addValue(task.id());
    }

    private static CreateOutcome createOutcome(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        Boolean created = row.getBoolean("created");
        return new CreateOutcome(row.getBoolean("project_found"), row.getBoolean("type_found"),
                row.getLong("deps_found"), row.getUUID("failed_dependency"),
                created == null ? null : TaskColumns.map(row), Boolean.TRUE.equals(created));
    }

    public Uni<TaskRow> findByIdempotencyKey(SqlConnection connection, UUID userId, String key) {
        return connection.preparedQuery(FIND_BY_IDEMPOTENCY_KEY).execute(Tuple.of(userId, key))
                .map(rows -> Rows.first(rows, TaskColumns::map));
    }

    public Uni<TaskRow> find(SqlConnection connection, UUID id) {
        return connection.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> Rows.first(rows, TaskColumns::map));
    }

    /** A read as its own transaction, in one round trip. */
    public Uni<TaskRow> find(Db db, Actor actor, UUID id) {
        return db.inOneStatement(actor, FIND, Tuple.of(id)).map(rows -> Rows.first(rows, TaskColumns::map));
    }

    /** The tasks of these ids the actor can see (any order), as one transaction in one round trip. */
    public Uni<List<TaskRow>> findAll(Db db, Actor actor, List<UUID> ids) {
        return db.inOneStatement(actor, FIND_ALL, Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> Rows.map(rows, TaskColumns::map));
    }

    public Uni<TaskRow> findByIdempotencyKey(Db db, Actor actor, UUID userId, String key) {
        return db.inOneStatement(actor, FIND_BY_IDEMPOTENCY_KEY, Tuple.of(userId, key))
                .map(rows -> Rows.first(rows, TaskColumns::map));
    }

    /** Whether the acting user can see the project (row-level security hides everyone else's). */
    public Uni<Boolean> projectVisible(SqlConnection connection, UUID projectId) {
        return connection.preparedQuery(PROJECT_VISIBLE).execute(Tuple.of(projectId))
                .map(rows -> rows.iterator().next().getBoolean("found"));
    }

    /** Whether the acting user can see every one of {@code projectIds}. */
    public Uni<Boolean> projectsVisible(SqlConnection connection, List<UUID> projectIds) {
        return connection.preparedQuery(PROJECTS_VISIBLE).execute(Tuple.of(projectIds.toArray(UUID[]::new)))
                .map(rows -> rows.iterator().next().getLong("found") == projectIds.size());
    }

    /** A page of the caller's own tasks that the filter keeps (see {@link TaskQueries#ownPage}). */
    public Uni<List<TaskRow>> ownPage(SqlConnection connection, UUID callerId, TaskFilter filter, Instant afterCreatedAt,
            UUID afterId, int fetchSize) {
        return rows(connection, TaskQueries.ownPage(callerId, filter, afterCreatedAt, afterId, fetchSize));
    }

    /** How many tasks {@link #ownPage} walks through with this filter. */
    public Uni<Long> ownTotal(SqlConnection connection, UUID callerId, TaskFilter filter) {
        return count(connection, TaskQueries.ownTotal(callerId, filter));
    }

    /** A page of an owner's tasks (null: everyone's) that the filter keeps: an operator's list. */
    public Uni<List<TaskRow>> page(SqlConnection connection, UUID userId, TaskFilter filter, Instant afterCreatedAt,
            UUID afterId, int fetchSize) {
        return rows(connection, TaskQueries.page(userId, filter, afterCreatedAt, afterId, fetchSize));
    }

    private static Uni<List<TaskRow>> rows(SqlConnection connection, TaskQueries.Statement statement) {
        return connection.preparedQuery(statement.sql()).execute(statement.arguments())
                .map(rows -> Rows.map(rows, TaskColumns::map));
    }

    private static Uni<Long> count(SqlConnection connection, TaskQueries.Statement statement) {
        return connection.preparedQuery(statement.sql()).execute(statement.arguments())
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<TaskCounts> counts(SqlConnection connection, UUID userId, TaskFilter filter) {
        TaskQueries.Statement statement = TaskQueries.counts(userId, filter);
        return connection.preparedQuery(statement.sql()).execute(statement.arguments()).map(rows -> {
            Row row = rows.iterator().next();
            return new TaskCounts(row.getLong("queued"), row.getLong("in_progress"), row.getLong("complete"),
                    row.getLong("failed"), row.getLong("cancelled"));
        });
    }

    public Uni<TaskRow> cancel(SqlConnection connection, UUID id) {
        return connection.preparedQuery(CANCEL).execute(Tuple.of(id)).map(rows -> Rows.first(rows, TaskColumns::map));
    }

    /** Null when the task is terminal or the caller holds neither its lease nor its parent's. */
    public Uni<TaskRow> cancelAsHolder(SqlConnection connection, UUID id, UUID leaseToken, String reason) {
        return connection.preparedQuery(CANCEL_AS_HOLDER).execute(Tuple.of(id, leaseToken, reason))
                .map(rows -> Rows.first(rows, TaskColumns::map));
    }

    /** Cancels the sub-tasks of {@code parents}; returns the ids it cancelled. */
    public Uni<List<UUID>> cancelSubtrees(SqlConnection connection, List<UUID> parents) {
        if (parents.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(CANCEL_SUBTREES).execute(Tuple.of(parents.toArray(UUID[]::new)))
                .map(TaskRepository::ids);
    }

    /** Fails the Queued dependants of tasks that ended Failed/Cancelled; returns the ids it failed. */
    public Uni<List<UUID>> failDependants(SqlConnection connection, List<UUID> ended) {
        if (ended.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(FAIL_DEPENDANTS).execute(Tuple.of(ended.toArray(UUID[]::new)))
                .map(TaskRepository::ids);
    }

    /** Locks the parent (see {@link #LOCK_PARENT}); {@code maxDepth} bounds the walk up its lineage. */
    public Uni<ParentLock> lockParent(SqlConnection connection, UUID parentId, UUID leaseToken, int maxDepth) {
        return connection.preparedQuery(LOCK_PARENT).execute(Tuple.of(parentId, leaseToken, maxDepth))
                .map(rows -> Rows.first(rows, row -> new ParentLock(row.getUUID("project_id"), row.getUUID("user_id"),
                        row.getString("status"), row.getString("task_type"),
                        Boolean.TRUE.equals(row.getBoolean("holds_lease")),
                        Boolean.TRUE.equals(row.getBoolean("orchestration")), row.getInteger("depth"),
                        List.of(row.getArrayOfUUIDs("lineage")))));
    }

    /** The parent's children, counted up to {@code bound}; run after {@link #lockParent}. */
    public Uni<Long> countChildren(SqlConnection connection, UUID parentId, int bound) {
        return connection.preparedQuery(COUNT_CHILDREN).execute(Tuple.of(parentId, bound))
                .map(rows -> rows.iterator().next().getLong("children"));
    }

    static List<UUID> ids(RowSet<Row> rows) {
        return Rows.map(rows, row -> row.getUUID("id"));
    }

    /**
     * The parent of a sub-task being created, as locked: {@code orchestration} whether its type's
     * registry category is orchestration, {@code depth} its nesting depth (0: a top-level task; capped at
     * the walk's bound), {@code lineage} itself and the tasks above it.
     */
    public record ParentLock(UUID projectId, UUID userId, String status, String taskType, boolean holdsLease,
            boolean orchestration, int depth, List<UUID> lineage) {
        public boolean isHeld() {
            return TaskStatus.IN_PROGRESS.equals(status) && holdsLease;
        }
    }
}
