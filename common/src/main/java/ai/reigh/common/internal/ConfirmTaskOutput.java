package ai.reigh.common.internal;

import java.util.UUID;

import jakarta.validation.constraints.NotNull;

/** tasks-service confirms, while completing {@code task_id}, the output object its worker uploaded. */
public record ConfirmTaskOutput(@NotNull UUID taskId) {
}
