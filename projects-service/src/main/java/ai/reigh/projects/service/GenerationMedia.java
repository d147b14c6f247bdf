package ai.reigh.projects.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import ai.reigh.projects.repository.GenerationRepository;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.VariantRepository;
import ai.reigh.projects.repository.VariantRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * What a generation shows: its primary variant's media. The one place that switches the primary, in
 * the caller's transaction and under the generation's row lock (so two switches of one generation
 * run one after the other and the last one wins whole); the database refuses to commit a generation
 * whose media is not its primary's.
 */
@ApplicationScoped
public class GenerationMedia {
    private final GenerationRepository generations;
    private final VariantRepository variants;

    public GenerationMedia(GenerationRepository generations, VariantRepository variants) {
        this.generations = generations;
        this.variants = variants;
    }

    /** Makes the variant the generation's primary and copies its media; the updated generation. */
    public Uni<GenerationRow> makePrimary(SqlConnection connection, UUID generationId, UUID variantId) {
        return variants.makePrimary(connection, variantId, generationId)
                .chain(primary -> generations.show(connection, generationId, primary));
    }

    /** Shows {@code variant} (already primary), or nothing when it is null. */
    public Uni<GenerationRow> show(SqlConnection connection, UUID generationId, VariantRow variant) {
        return generations.show(connection, generationId, variant);
    }
}
