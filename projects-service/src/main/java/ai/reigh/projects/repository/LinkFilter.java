package ai.reigh.projects.repository;

import java.util.UUID;

/** Links of a project across its shots: null means "any"; both id lists narrow together. */
public record LinkFilter(UUID[] shotIds, UUID[] generationIds, Boolean positioned) {
}
