package ai.reigh.projects.repository;

import java.util.UUID;

/**
 * Filters of a project's generation list; null means "any". {@code onlyUnpositionedInShot} narrows
 * {@code shotId} to the generations linked to that shot without a position (the Generations pane).
 * {@code toolTypes}: any of them; {@code promptPattern} is an ILIKE pattern (the caller escapes the
 * user's text); {@code inAnyShot} false keeps the generations linked to no shot at all;
 * {@code oldestFirst} reverses the order (and the cursor's direction).
 */
public record GenerationFilter(String type, Boolean starred, UUID shotId, boolean onlyUnpositionedInShot,
        String[] toolTypes, String promptPattern, Boolean isChild, UUID parentGenerationId, UUID basedOn, String url,
        Boolean hasUrl, UUID taskId, Boolean inAnyShot, Boolean hasBasedOn, UUID pairShotGenerationId,
        Integer childOrder, boolean oldestFirst) {
}
