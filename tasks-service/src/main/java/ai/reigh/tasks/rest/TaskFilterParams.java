package ai.reigh.tasks.rest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import ai.reigh.common.error.ProblemException;
import ai.reigh.common.time.Timestamps;
import ai.reigh.tasks.repository.TaskFilter;
import ai.reigh.tasks.repository.TaskStatus;

/**
 * The filters of {@code GET /v1/tasks} and {@code GET /v1/tasks/counts}, read as strings and parsed
 * here so that a malformed one is a 400 naming it. Lists are comma-separated; every condition applies
 * (AND), each list is "any of".
 */
public class TaskFilterParams {
    static final int MAX_PROJECTS = 100;
    static final int MAX_TASK_TYPES = 50;
    static final int MAX_EXCLUDED_TASK_TYPES = 100;
    /** The registry's own rule for task type names (task_cost_configs.task_type). */
    private static final Pattern TASK_TYPE = Pattern.compile("[a-z0-9_]{1,64}");

    @QueryParam("project_id")
    @Parameter(description = "A project of the caller, or up to 100 comma-separated (any of them); absent: every project")
    public String projectId;

    @QueryParam("status")
    @Parameter(description = "Comma-separated statuses (any of them): Queued, In Progress, Complete, Failed, Cancelled")
    public String status;

    @QueryParam("task_type")
    @Parameter(description = "Up to 50 comma-separated task types (any of them)")
    public String taskType;

    @QueryParam("exclude_task_type")
    @Parameter(description = "Up to 100 comma-separated task types to leave out (the web app's hidden types)")
    public String excludeTaskType;

    @QueryParam("top_level")
    @Parameter(description = "true: tasks without a parent task (no sub-tasks); false: sub-tasks only")
    public String topLevel;

    @QueryParam("parent_task_id")
    @Parameter(description = "The sub-tasks of this orchestrator task")
    public String parentTaskId;

    @QueryParam("updated_after")
    @Parameter(description = "ISO-8601 time: updated at or after it (e.g. failed in the last hour)")
    public String updatedAfter;

    @QueryParam("processed_after")
    @Parameter(description = "ISO-8601 time: finished processing at or after it (generation_processed_at)")
    public String processedAfter;

    TaskFilter toFilter(String sort) {
        List<String> statuses = statuses(status);
        boolean byProcessing = byProcessing(sort, statuses);
        return new TaskFilter(projectIds(projectId), statuses,
                taskTypes("task_type", taskType, MAX_TASK_TYPES),
                taskTypes("exclude_task_type", excludeTaskType, MAX_EXCLUDED_TASK_TYPES), bool("top_level", topLevel),
                Params.uuid("parent_task_id", parentTaskId, false), instant("updated_after", updatedAfter),
                instant("processed_after", processedAfter), byProcessing, null, null, null);
    }

    /**
     * {@code newest} (default): newest created first. {@code processed}: the last finished first, the
     * web app's "succeeded" tab; only for finished tasks (a status filter of Complete, Failed or
     * Cancelled), which all have a processing time.
     */
    static boolean byProcessing(String sort, List<String> statuses) {
        if (sort == null || sort.isEmpty() || sort.equals("newest")) {
            return false;
        }
        if (!sort.equals("processed")) {
            throw ProblemException.validation("sort", "must be newest or processed");
        }
        if (statuses == null || !statuses.stream().allMatch(TaskStatus::isTerminal)) {
            throw ProblemException.validation("sort", "processed needs a status filter of finished statuses only "
                    + "(Complete, Failed, Cancelled)");
        }
        return true;
    }

    private static List<String> items(String name, String value, int max) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        List<String> items = Arrays.asList(value.split(",", -1));
        if (items.size() > max) {
            throw ProblemException.validation(name, "must be at most " + max + " comma-separated values");
        }
        return items;
    }

    static List<UUID> projectIds(String value) {
        List<String> items = items("project_id", value, MAX_PROJECTS);
        return items == null ? null
                : new HashSet<>(items.stream().map(item -> Params.uuid("project_id", item, true)).toList()).stream()
                        .toList();
    }

    static List<String> statuses(String value) {
        List<String> items = items("status", value, TaskStatus.ALL.size());
        if (items != null && !TaskStatus.ALL.containsAll(items)) {
            throw ProblemException.validation("status",
                    "must be comma-separated values of " + String.join(", ", TaskStatus.ALL));
        }
        return items;
    }

    static List<String> taskTypes(String name, String value, int max) {
        List<String> items = items(name, value, max);
        if (items != null && !items.stream().allMatch(item -> TASK_TYPE.matcher(item).matches())) {
            throw ProblemException.validation(name, "must be comma-separated task types ([a-z0-9_]{1,64})");
        }
        return items;
    }

    static Boolean bool(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ProblemException.validation(name, "must be true or false");
        };
    }

    /** An ISO-8601 time with a zone ({@code 2026-04-01T10:00:00Z}, {@code …+02:00}), years 1..9999. */
    static Instant instant(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            if (value.length() <= 40) {
                Instant at = OffsetDateTime.parse(value).toInstant();
                if (Timestamps.isPlausible(at)) {
                    return at;
                }
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw ProblemException.validation(name, "must be an ISO-8601 time with a zone, e.g. 2026-04-01T10:00:00Z");
    }
}
