package ai.reigh.tasks.service;

/** The problems tasks-service answers beyond common's, with their stable codes. */
public final class TasksErrors {
    /** A sub-task of a task whose type is not an orchestration type with a family (422). */
    public static final String NOT_AN_ORCHESTRATOR = "not_an_orchestrator";
    /** A sub-task whose type is not in its orchestrator's family (422). */
    public static final String CHILD_TYPE_NOT_ALLOWED = "child_type_not_allowed";
    /** A sub-task that would depend on its parent (or a task above it) (422). */
    public static final String DEPENDS_ON_PARENT = "depends_on_parent";
    /** A sub-task deeper than {@code reigh.tasks.max-nesting-depth} (422). */
    public static final String NESTING_TOO_DEEP = "nesting_too_deep";

    private TasksErrors() {
    }
}
