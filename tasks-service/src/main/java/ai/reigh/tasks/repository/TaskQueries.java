package ai.reigh.tasks.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import ai.reigh.common.db.Conditions;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The statements of task lists and counts, assembled from the filters a request names: each filter
 * is a named fragment, and only the present ones are in the statement. So every shape of filter is
 * its own statement text with its own plan (a catch-all {@code ($n IS NULL OR …)} statement gets one
 * generic plan that suits none of them), and the owner, when named, is the first condition (a page of
 * one project of the caller's own does not name it: {@link #ownPage}). An operator's list names no owner
 * (null) or any one, and may filter by worker and creation window too.
 */
final class TaskQueries {
    static final String OWNER = "t.user_id = $%d";
    static final String ONE_PROJECT = "t.project_id = $%d";
    static final String PROJECTS = "t.project_id = ANY ($%d::uuid[])";
    /**
     * The projects asked for are all visible to the caller (TaskRepository.PROJECTS_VISIBLE's test): an
     * uncorrelated sub-select, so PostgreSQL evaluates it once for the statement, and a page over a
     * stranger's project is empty without walking that project's tasks.
     */
    static final String PROJECTS_ALL_VISIBLE = "(SELECT count(*) FROM projects p WHERE p.id = ANY ($%d::uuid[])) = $%d";
    static final String ONE_STATUS = "t.status = $%d";
    static final String STATUSES = "t.status = ANY ($%d::text[])";
    static final String TASK_TYPES = "t.task_type = ANY ($%d::text[])";
    static final String NOT_TASK_TYPES = "t.task_type <> ALL ($%d::text[])";
    static final String TOP_LEVEL = "t.parent_task_id IS NULL";
    static final String SUB_TASKS = "t.parent_task_id IS NOT NULL";
    static final String PARENT = "t.parent_task_id = $%d";
    static final String UPDATED_AFTER = "t.updated_at >= $%d";
    static final String PROCESSED_AFTER = "t.generation_processed_at >= $%d";
    static final String WORKER = "t.worker_id = $%d";
    static final String CREATED_AFTER = "t.created_at >= $%d";
    static final String CREATED_BEFORE = "t.created_at < $%d";

    static final String AFTER_NEWEST_FIRST = "(t.created_at, t.id) < ($%d, $%d)";
    static final String NEWEST_FIRST = " ORDER BY t.created_at DESC, t.id DESC LIMIT ";
    /** Finished tasks by the time they finished; they all have one (the list keeps only those). */
    static final String PROCESSED = "t.generation_processed_at IS NOT NULL";
    static final String AFTER_LAST_PROCESSED_FIRST = "(t.generation_processed_at, t.id) < ($%d, $%d)";
    static final String LAST_PROCESSED_FIRST = " ORDER BY t.generation_processed_at DESC, t.id DESC LIMIT ";

    static final String COUNTS = """
            SELECT count(*) FILTER (WHERE t.status = 'Queued') AS queued,
                   count(*) FILTER (WHERE t.status = 'In Progress') AS in_progress,
                   count(*) FILTER (WHERE t.status = 'Complete') AS complete,
                   count(*) FILTER (WHERE t.status = 'Failed') AS failed,
                   count(*) FILTER (WHERE t.status = 'Cancelled') AS cancelled
            FROM tasks t WHERE\s""";

    private TaskQueries() {
    }

    /** A statement's text and its arguments. */
    record Statement(String sql, Tuple arguments) {
    }

    /**
     * {@code fetchSize} tasks after the keyset position (null: from the top), in the filter's order. The
     * first page and the next ones are two statements, and the limit is written in: with a nullable
     * cursor or {@code LIMIT $n} PostgreSQL planned the page again on every call.
     */
    static Statement page(UUID userId, TaskFilter filter, Instant after, UUID afterId, int fetchSize) {
        Conditions where = where(userId, filter);
        List<UUID> projects = filter.projectIds();
        if (projects != null && !projects.isEmpty()) {
            where.and(PROJECTS_ALL_VISIBLE, projects.toArray(UUID[]::new), (long) projects.size());
        }
        if (filter.byProcessing()) {
            where.and(PROCESSED);
        }
        if (after != null) {
            where.and(filter.byProcessing() ? AFTER_LAST_PROCESSED_FIRST : AFTER_NEWEST_FIRST, utc(after), afterId);
        }
        String order = (filter.byProcessing() ? LAST_PROCESSED_FIRST : NEWEST_FIRST) + fetchSize;
        return new Statement("SELECT " + TaskColumns.of("t") + " FROM tasks t WHERE " + where.sql() + order,
                where.arguments());
    }

    /**
     * A page of the caller's own tasks (the user's list, not an operator's), read in a page transaction
     * ({@code Db.inPageTransaction}, as {@link TaskFilter#pageRead} says).
     */
    static Statement ownPage(UUID callerId, TaskFilter filter, Instant after, UUID afterId, int fetchSize) {
        return page(ownerCondition(callerId, filter), filter, after, afterId, fetchSize);
    }

    /** How many of the caller's own tasks the filter keeps: what {@link #ownPage} walks through. */
    static Statement ownTotal(UUID callerId, TaskFilter filter) {
        return total(ownerCondition(callerId, filter), filter);
    }

    /**
     * The owner the caller's own list names. Row-level security already keeps the caller's tasks only;
     * the list states the owner again for the index it offers ({@code tasks_user_newest_first}), except
     * for one project, which offers its own ({@code tasks_project_newest_first}) and is the caller's (the
     * page checks it). There the owner's index is the wrong walk, and a generic plan cannot tell: it does
     * not know how the owner's tasks are spread over their projects, and through the owner's index a page
     * of an older project steps over every newer task of the others first.
     */
    private static UUID ownerCondition(UUID callerId, TaskFilter filter) {
        List<UUID> projects = filter.projectIds();
        return projects != null && projects.size() == 1 ? null : callerId;
    }

    /** How many tasks the filter keeps: what {@link #page} walks through, without the keyset. */
    private static Statement total(UUID userId, TaskFilter filter) {
        Conditions where = where(userId, filter);
        if (filter.byProcessing()) {
            where.and(PROCESSED);
        }
        return new Statement("SELECT count(*) FROM tasks t WHERE " + where.sql(), where.arguments());
    }

    /** Per status, the tasks the filter keeps. */
    static Statement counts(UUID userId, TaskFilter filter) {
        Conditions where = where(userId, filter);
        return new Statement(COUNTS + where.sql(), where.arguments());
    }

    private static Conditions where(UUID userId, TaskFilter filter) {
        Conditions where = new Conditions();
        if (userId != null) {
            where.and(OWNER, userId);
        }
        List<UUID> projects = filter.projectIds();
        if (projects != null && projects.size() == 1) {
            where.and(ONE_PROJECT, projects.get(0));
        } else if (projects != null && !projects.isEmpty()) {
            where.and(PROJECTS, projects.toArray(UUID[]::new));
        }
        List<String> statuses = filter.statuses();
        if (statuses != null && statuses.size() == 1) {
            where.and(ONE_STATUS, statuses.get(0));
        } else if (statuses != null && !statuses.isEmpty()) {
            where.and(STATUSES, statuses.toArray(String[]::new));
        }
        if (filter.taskTypes() != null && !filter.taskTypes().isEmpty()) {
            where.and(TASK_TYPES, filter.taskTypes().toArray(String[]::new));
        }
        if (filter.excludedTaskTypes() != null && !filter.excludedTaskTypes().isEmpty()) {
            where.and(NOT_TASK_TYPES, filter.excludedTaskTypes().toArray(String[]::new));
        }
        return where.andEither(filter.topLevel(), TOP_LEVEL, SUB_TASKS)
                .andGiven(PARENT, filter.parentTaskId())
                .andGiven(UPDATED_AFTER, utc(filter.updatedAfter()))
                .andGiven(PROCESSED_AFTER, utc(filter.processedAfter()))
                .andGiven(WORKER, filter.workerId())
                .andGiven(CREATED_AFTER, utc(filter.createdAfter()))
                .andGiven(CREATED_BEFORE, utc(filter.createdBefore()));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
