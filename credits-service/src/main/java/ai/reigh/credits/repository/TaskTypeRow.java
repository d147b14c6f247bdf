package ai.reigh.credits.repository;

/**
 * A task type as listed: its cost config and what the web app shows of it (the tool it belongs to,
 * whether the task pane shows it, whether its tasks report progress). Display fields price nothing.
 */
public record TaskTypeRow(TaskCostConfigRow config, String toolType, boolean isVisible, boolean supportsProgress) {

    /** The display fields of a PUT (absent: no tool, visible, no progress). */
    public record Display(String toolType, boolean isVisible, boolean supportsProgress) {
        public static final Display DEFAULT = new Display(null, true, false);
    }
}
