package ai.reigh.tasks.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import ai.reigh.tasks.service.OperatorTasks;

/** {@code POST /v1/admin/tasks/{id}/requeue}: why the operator puts the task back (kept in its history). */
public record RequeueRequest(@NotBlank @Size(max = OperatorTasks.MAX_REASON_LENGTH) String reason) {
}
