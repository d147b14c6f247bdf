package ai.reigh.projects.repository;

import java.util.UUID;

import ai.reigh.common.db.Db.PageRead;

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

    /**
     * A shot, a parent, a source, a URL, a task or a pair each have their own index that finds a few
     * generations: a page naming one fetches them and sorts. Any other page walks the project's index in
     * order.
     */
    public PageRead pageRead() {
        boolean few = shotId != null || parentGenerationId != null || basedOn != null || url != null || taskId != null
                || pairShotGenerationId != null;
        return few ? PageRead.FEW_THEN_SORT : PageRead.IN_ORDER;
    }
}
