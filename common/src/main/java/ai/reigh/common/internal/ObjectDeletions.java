package ai.reigh.common.internal;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Objects whose owner data is gone (a deleted project): remove them, idempotently. */
public record ObjectDeletions(@NotNull @Size(min = 1, max = 500) List<@NotNull UUID> objectIds) {
}
