package ai.reigh.projects.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.ProblemException;
import ai.reigh.projects.repository.ShotLinkRow;

/** The arithmetic of timeline operations, without a database. */
class TimelinePlanTest {

    @Test
    void evenSpacingFromFrameZeroAndItsBound() {
        List<UUID> order = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        assertThat(TimelinePlan.evenly(order, 50, "spacing").values()).containsExactly(0, 50, 100);
        assertThat(TimelinePlan.evenly(List.of(), 50, "spacing")).isEmpty();
        List<UUID> many = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> UUID.randomUUID()).toList();
        assertThat(TimelinePlan.evenly(many, 1001, "spacing").get(many.get(999))).isEqualTo(999_999);
        assertThatThrownBy(() -> TimelinePlan.evenly(many, 1002, "spacing")).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).errors().get(0).field()).isEqualTo("spacing"));
    }

    @Test
    void compactingKeepsGapsUpToTheCap() {
        List<ShotLinkRow> links = List.of(link(20), link(30), link(500), link(560));
        assertThat(TimelinePlan.compacted(links, 81).values()).containsExactly(0, 10, 91, 151);
        assertThat(TimelinePlan.compacted(List.of(link(7)), 81).values()).containsExactly(0);
    }

    @Test
    void normalizationIsOneModeOrTheDefault() {
        List<ShotLinkRow> links = List.of(link(20), link(30), link(500));
        assertThat(Normalization.of(null, null).plan(links).values()).containsExactly(0, 50, 100);
        assertThat(Normalization.of(10, null).plan(links).values()).containsExactly(0, 10, 20);
        assertThat(Normalization.of(null, 81).plan(links).values()).containsExactly(0, 10, 91);
        assertThatThrownBy(() -> Normalization.of(10, 81)).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> Normalization.of(0, null)).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> Normalization.of(null, 10_001)).isInstanceOf(ProblemException.class);
    }

    @Test
    void theEndStateDecidesWhetherFramesCollide() {
        ShotLinkRow a = link(0);
        ShotLinkRow b = link(50);
        ShotLinkRow c = link(null);
        TimelinePlan.requireDistinctFrames(List.of(a, b, c), Map.of(a.id(), 50, b.id(), 0));
        Map<UUID, Integer> offAndOn = new HashMap<>();
        offAndOn.put(a.id(), null);
        offAndOn.put(c.id(), 0);
        TimelinePlan.requireDistinctFrames(List.of(a, b, c), offAndOn);
        assertThatThrownBy(() -> TimelinePlan.requireDistinctFrames(List.of(a, b, c), Map.of(c.id(), 50)))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).code()).isEqualTo(ProjectErrors.POSITION_TAKEN));
    }

    @Test
    void onlyLinksThatMoveAreWritten() {
        ShotLinkRow a = link(0);
        ShotLinkRow b = link(70);
        assertThat(TimelinePlan.moves(List.of(a, b), Map.of(a.id(), 0, b.id(), 50))).containsOnlyKeys(b.id());
    }

    @Test
    void aCopysNameStaysWithinTheLimit() {
        assertThat(ShotService.copyName("Opening")).isEqualTo("Opening (copy)");
        String longest = "x".repeat(200);
        assertThat(ShotService.copyName(longest)).hasSize(200).endsWith(" (copy)");
        String emoji = "x".repeat(192) + "\uD83C\uDFAC" + "y";
        assertThat(ShotService.copyName(emoji)).isEqualTo("x".repeat(192) + " (copy)");
    }

    private static ShotLinkRow link(Integer position) {
        return new ShotLinkRow(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), position, null, Instant.now(),
                Instant.now());
    }
}
