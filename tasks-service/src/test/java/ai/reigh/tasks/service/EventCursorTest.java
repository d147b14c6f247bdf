package ai.reigh.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The feed's cursor: every event once, holes waited for, then forgotten. */
class EventCursorTest {
    private static final long TIMEOUT = 1_000;

    @Test
    void acceptsEachIdOnceInAnyCommitOrder() {
        EventCursor cursor = new EventCursor(10, TIMEOUT);
        assertThat(cursor.accept(List.of(11L, 13L), 0)).containsExactly(11L, 13L);
        assertThat(cursor.gaps()).containsExactly(12L);
        // 12 commits late: read again through the gap list, accepted once.
        assertThat(cursor.accept(List.of(12L, 13L, 14L), 10)).containsExactly(12L, 14L);
        assertThat(cursor.gaps()).isEmpty();
        assertThat(cursor.accept(List.of(12L, 14L), 20)).isEmpty();
        assertThat(cursor.maxSeen()).isEqualTo(14);
    }

    @Test
    void aHoleThatNeverFillsIsForgottenAfterTheTimeout() {
        EventCursor cursor = new EventCursor(0, TIMEOUT);
        cursor.accept(List.of(1L, 3L), 0);
        assertThat(cursor.gaps()).containsExactly(2L);
        cursor.expire(TIMEOUT + 1);
        assertThat(cursor.gaps()).isEmpty();
        assertThat(cursor.accept(List.of(2L), TIMEOUT + 2)).isEmpty();
    }

    @Test
    void holesAreBounded() {
        EventCursor cursor = new EventCursor(0, TIMEOUT);
        cursor.accept(List.of(1_000_000L), 0);
        assertThat(cursor.gaps()).hasSize(EventCursor.MAX_GAPS);
        assertThat(cursor.gaps()[0]).isEqualTo(1_000_000L - EventCursor.MAX_GAPS);
    }

    @Test
    void aResetStartsOver() {
        EventCursor cursor = new EventCursor(0, TIMEOUT);
        cursor.accept(List.of(1L, 5L), 0);
        cursor.reset(100);
        assertThat(cursor.gaps()).isEmpty();
        assertThat(cursor.accept(List.of(5L, 101L), 1)).containsExactly(101L);
    }
}
