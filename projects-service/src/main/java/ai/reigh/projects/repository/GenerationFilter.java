package ai.reigh.projects.repository;

import java.util.UUID;

/**
 * Filters of a project's generation list; null means "any". {@code onlyUnpositionedInShot} narrows
 * {@code shotId} to the generations linked to that shot without a position (the Generations pane).
 * {@code promptPattern} is an ILIKE pattern (the caller escapes the user's text); {@code inAnyShot}
 * false keeps the generations linked to no shot at all.
 */
public record GenerationFilter(String type, Boolean starred, UUID shotId, boolean onlyUnpositionedInShot,
        String toolType, String promptPattern, Boolean isChild, UUID parentGenerationId, UUID basedOn, String url,
        Boolean hasUrl, UUID taskId, Boolean inAnyShot) {

    /** The Generations pane's original filters only (type, starred, shot). */
    public static GenerationFilter of(String type, Boolean starred, UUID shotId, boolean onlyUnpositionedInShot) {
        return new GenerationFilter(type, starred, shotId, onlyUnpositionedInShot, null, null, null, null, null, null,
                null, null, null);
    }
}
