package ai.reigh.projects.rest;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import ai.reigh.projects.repository.FinalVideoRow;
import ai.reigh.projects.repository.GenerationRow;
import ai.reigh.projects.repository.ShotLinkRow;
import ai.reigh.projects.repository.ShotStatisticsRow;
import ai.reigh.projects.rest.Views.GenerationView;
import ai.reigh.projects.rest.Views.ShotGenerationView;

/** The answers of the timeline operations and of the reads of what shots produced. */
public final class TimelineViews {
    private TimelineViews() {
    }

    /**
     * A shot's whole timeline after an operation, in the list's shape and order ({@code next_cursor} is
     * always null), so that a client replaces what it shows; {@code added}: the links an append made.
     */
    public record TimelineView(List<ShotGenerationView> items, String nextCursor,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ShotGenerationView> added) {
        static TimelineView of(List<ShotLinkRow> links, List<ShotLinkRow> added) {
            return new TimelineView(links(links, Map.of()), null, added == null ? null : links(added, Map.of()));
        }
    }

    /** A final video and the shot it is the final video of. */
    public record FinalVideoView(UUID shotId, GenerationView generation) {
        static FinalVideoView of(FinalVideoRow row) {
            return new FinalVideoView(row.shotId(), GenerationView.of(row.generation()));
        }
    }

    public record ShotStatisticsView(UUID shotId, UUID projectId, long totalGenerations, long positionedCount,
            long unpositionedCount, long videoCount, long finalVideoCount) {
        static ShotStatisticsView of(ShotStatisticsRow row) {
            return new ShotStatisticsView(row.shotId(), row.projectId(), row.totalGenerations(), row.positionedCount(),
                    row.unpositionedCount(), row.videoCount(), row.finalVideoCount());
        }
    }

    /** The links' views, each with its generation when {@code generations} has it. */
    static List<ShotGenerationView> links(List<ShotLinkRow> links, Map<UUID, GenerationRow> generations) {
        return links.stream().map(link -> ShotGenerationView.of(link, generations.get(link.generationId()))).toList();
    }
}
