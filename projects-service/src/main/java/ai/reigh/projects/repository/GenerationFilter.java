package ai.reigh.projects.repository;

import java.util.UUID;

/**
 * Filters of a project's generation list; null means "any". {@code onlyUnpositionedInShot} narrows
 * {@code shotId} to the generations linked to that shot without a position (the Generations pane).
 */
public record GenerationFilter(String type, Boolean starred, UUID shotId, boolean onlyUnpositionedInShot) {
}
