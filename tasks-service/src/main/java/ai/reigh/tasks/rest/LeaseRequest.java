package ai.reigh.tasks.rest;

import java.util.UUID;

import jakarta.validation.constraints.NotNull;

/** {@code POST /v1/workers/tasks/{id}/start}. */
public record LeaseRequest(@NotNull UUID leaseToken) {
}
