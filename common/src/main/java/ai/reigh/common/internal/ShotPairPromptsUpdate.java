package ai.reigh.common.internal;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** tasks-service → projects-service: enhanced prompts for the positioned image links of one of the owner's shots. */
public record ShotPairPromptsUpdate(@NotNull UUID ownerId,
        @NotNull @Size(max = 1000) List<@NotNull @Size(max = 20_000) String> enhancedPrompts) {
}
