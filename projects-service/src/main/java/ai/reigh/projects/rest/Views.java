package ai.reigh.projects.rest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.projects.repository.AccessTokenRow;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ProjectRow;
import ai.reigh.projects.repository.ResourceRow;
import ai.reigh.projects.repository.ShotLinkRow;
import ai.reigh.projects.repository.ShotRow;
import ai.reigh.projects.repository.TrainingRows;

/** The response bodies of API.md's projects section (snake_case on the wire). */
public final class Views {
    private Views() {
    }

    public record ProjectView(UUID id, UUID userId, String name, String aspectRatio, JsonNode settings,
            Instant createdAt) {
        static ProjectView of(ProjectRow row) {
            return new ProjectView(row.id(), row.userId(), row.name(), row.aspectRatio(), row.settings(), row.createdAt());
        }
    }

    /**
     * {@code aspect_ratio} null: the project's. {@code generations}: only in the answers of the calls that
     * made links (create with generations, duplicate).
     */
    public record ShotView(UUID id, UUID projectId, String name, int order, JsonNode settings, String aspectRatio,
            UUID parentGenerationId, Instant createdAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ShotGenerationView> generations) {
        static ShotView of(ShotRow row) {
            return of(row, null);
        }

        static ShotView of(ShotRow row, List<ShotGenerationView> generations) {
            return new ShotView(row.id(), row.projectId(), row.name(), row.order(), row.settings(), row.aspectRatio(),
                    row.parentGenerationId(), row.createdAt(), generations);
        }
    }

    /**
     * {@code url}/{@code thumbnail_url}: the primary variant's media whenever the generation has
     * variants (null: a placeholder). {@code object_id}: the storage object the generation was uploaded
     * from. {@code tasks}: every task that produced it ({@code task_id}, the creating one, among them).
     */
    public record GenerationView(UUID id, UUID projectId, String type, String url, String thumbnailUrl,
            UUID objectId, JsonNode params, JsonNode metadata, UUID taskId, List<UUID> tasks, String name,
            boolean starred, UUID basedOn, UUID parentGenerationId, boolean isChild, Integer childOrder,
            UUID pairShotGenerationId, UUID primaryVariantId, long variantCount, long unviewedVariantCount,
            Instant createdAt, Instant updatedAt) {
        static GenerationView of(GenerationRow row) {
            return new GenerationView(row.id(), row.projectId(), row.type(), row.url(), row.thumbnailUrl(),
                    row.objectId(), row.params(), row.metadata(), row.taskId(), row.tasks(), row.name(), row.starred(),
                    row.basedOn(), row.parentGenerationId(), row.isChild(), row.childOrder(),
                    row.pairShotGenerationId(), row.primaryVariantId(), row.variantCount(),
                    row.unviewedVariantCount(), row.createdAt(), row.updatedAt());
        }
    }

    /** {@code generation}: only when asked for ({@code ?embed=generation}). */
    public record ShotGenerationView(UUID id, UUID shotId, UUID generationId, Integer position, JsonNode metadata,
            Instant createdAt, Instant updatedAt, @JsonInclude(JsonInclude.Include.NON_NULL) GenerationView generation) {
        static ShotGenerationView of(ShotLinkRow row) {
            return of(row, null);
        }

        static ShotGenerationView of(ShotLinkRow row, GenerationRow generation) {
            return new ShotGenerationView(row.id(), row.shotId(), row.generationId(), row.position(), row.metadata(),
                    row.createdAt(), row.updatedAt(), generation == null ? null : GenerationView.of(generation));
        }
    }

    public record ResourceView(UUID id, UUID userId, String type, String name, String url, UUID objectId,
            JsonNode metadata, boolean isPublic, Instant createdAt) {
        static ResourceView of(ResourceRow row) {
            return new ResourceView(row.id(), row.userId(), row.type(), row.name(), row.url(), row.objectId(),
                    row.metadata(), row.isPublic(), row.createdAt());
        }
    }

    public record TrainingDataBatchView(UUID id, UUID userId, String name, String description, Instant createdAt,
            Instant updatedAt) {
        static TrainingDataBatchView of(TrainingRows.Batch row) {
            return new TrainingDataBatchView(row.id(), row.userId(), row.name(), row.description(), row.createdAt(),
                    row.updatedAt());
        }
    }

    /** {@code duration}: whole seconds, null when unknown. */
    public record TrainingVideoView(UUID id, UUID batchId, String filename, String url, UUID objectId,
            String description, Integer duration, Instant createdAt, Instant updatedAt) {
        static TrainingVideoView of(TrainingRows.Video row) {
            return new TrainingVideoView(row.id(), row.batchId(), row.filename(), row.url(), row.objectId(),
                    row.description(), row.duration(), row.createdAt(), row.updatedAt());
        }
    }

    public record TrainingSegmentView(UUID id, UUID videoId, BigDecimal startTime, BigDecimal endTime,
            String description, Instant createdAt, Instant updatedAt) {
        static TrainingSegmentView of(TrainingRows.Segment row) {
            return new TrainingSegmentView(row.id(), row.videoId(), row.startTime(), row.endTime(), row.description(),
                    row.createdAt(), row.updatedAt());
        }
    }

    /** A token as listed: the display prefix, never the secret or its hash. */
    public record AccessTokenView(UUID id, String name, String tokenPrefix, Instant createdAt, Instant lastUsedAt,
            Instant expiresAt, Instant revokedAt) {
        static AccessTokenView of(AccessTokenRow row) {
            return new AccessTokenView(row.id(), row.name(), row.tokenPrefix(), row.createdAt(), row.lastUsedAt(),
                    row.expiresAt(), row.revokedAt());
        }
    }

    /** The answer to a token's creation: the only time {@code token} (the secret) is ever shown. */
    public record CreatedAccessTokenView(UUID id, String name, String token, String tokenPrefix, Instant createdAt,
            Instant expiresAt) {
    }
}
