package ai.reigh.credits.rest;

import java.util.List;

/** {@code GET /v1/task-costs}: every type, active or not, by name. */
public record TaskCostConfigList(List<TaskCostConfigView> items) {
}
