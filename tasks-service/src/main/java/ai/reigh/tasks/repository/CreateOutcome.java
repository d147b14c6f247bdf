package ai.reigh.tasks.repository;

import java.util.UUID;

/**
 * What the creation statement found: which check refused it, or the task it created, or the task an
 * earlier request with the same idempotency key created ({@code created} false).
 */
public record CreateOutcome(boolean projectFound, boolean typeFound, long dependenciesFound,
        UUID failedDependency, TaskRow task, boolean created) {
}
