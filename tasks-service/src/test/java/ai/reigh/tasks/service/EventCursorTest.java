package ai.reigh.tasks.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/**
 * The feed's cursor: every event once, in id order, never past a hole whose writer may still commit;
 * holes given up when their writers have ended (rolled back) or after the timeout.
 */
class EventCursorTest {
    private static final long TIMEOUT = 1_000;
    /** A read while transaction 100 (a hole's writer) is still running; it was given transaction id 105. */
    private static final EventCursor.Snapshot WRITER_RUNNING = new EventCursor.Snapshot(100, 105);
    /** A later read: every transaction below 105 has ended. */
    private static final EventCursor.Snapshot WRITERS_ENDED = new EventCursor.Snapshot(105, 106);

    private static EventCursor<Long> cursor(long start) {
        return new EventCursor<>(start, TIMEOUT, Long::longValue);
    }

    @Test
    void releasesEachIdOnceInIdOrderWhateverTheCommitOrder() {
        EventCursor<Long> cursor = cursor(10);
        assertThat(cursor.accept(List.of(11L, 13L), WRITER_RUNNING, 0)).containsExactly(11L);
        assertThat(cursor.gaps()).containsExactly(12L);
        assertThat(cursor.releasedBelow()).isEqualTo(12);
        assertThat(cursor.holding()).isTrue();
        // 12 commits late: read again through the gap list, then 13 behind it, each once.
        assertThat(cursor.accept(List.of(12L, 13L, 14L), WRITER_RUNNING, 10)).containsExactly(12L, 13L, 14L);
        assertThat(cursor.gaps()).isEmpty();
        assertThat(cursor.holding()).isFalse();
        assertThat(cursor.releasedBelow()).isEqualTo(15);
        assertThat(cursor.accept(List.of(12L, 14L), WRITER_RUNNING, 20)).isEmpty();
        assertThat(cursor.maxSeen()).isEqualTo(14);
    }

    @Test
    void aHoleWhoseWriterEndedWithoutCommittingIsGivenUpAtTheNextRead() {
        EventCursor<Long> cursor = cursor(0);
        assertThat(cursor.accept(List.of(1L, 3L, 4L), WRITER_RUNNING, 0)).containsExactly(1L);
        // Nothing new, but every transaction that could have taken id 2 has ended: it rolled back.
        assertThat(cursor.accept(List.of(), WRITERS_ENDED, 1)).containsExactly(3L, 4L);
        assertThat(cursor.gaps()).isEmpty();
        assertThat(cursor.accept(List.of(2L), WRITERS_ENDED, 2)).as("never released late").isEmpty();
    }

    @Test
    void aHoleNoticedWhileNothingRunsIsGivenUpAtOnce() {
        EventCursor<Long> cursor = cursor(0);
        assertThat(cursor.accept(List.of(1L, 3L), new EventCursor.Snapshot(50, 50), 0)).containsExactly(1L, 3L);
        assertThat(cursor.gaps()).isEmpty();
    }

    @Test
    void aHoleIsJudgedOnlyAgainstATransactionIdTakenAfterItWasNoticed() {
        EventCursor<Long> cursor = cursor(0);
        // A read without a transaction id of its own knows no bound on the writer of 2, however old xmin is.
        assertThat(cursor.accept(List.of(1L, 3L), new EventCursor.Snapshot(500, EventCursor.UNBOUNDED), 0))
                .containsExactly(1L);
        assertThat(cursor.needsBound()).isTrue();
        assertThat(cursor.accept(List.of(), new EventCursor.Snapshot(600, EventCursor.UNBOUNDED), 1)).isEmpty();
        // The next read took id 700: 2's writer is below it, and still running while xmin is below it.
        assertThat(cursor.accept(List.of(), new EventCursor.Snapshot(650, 700), 2)).isEmpty();
        assertThat(cursor.needsBound()).isFalse();
        assertThat(cursor.accept(List.of(), new EventCursor.Snapshot(699, EventCursor.UNBOUNDED), 3)).isEmpty();
        assertThat(cursor.accept(List.of(), new EventCursor.Snapshot(700, EventCursor.UNBOUNDED), 4)).containsExactly(3L);
    }

    @Test
    void aPartialReadJudgesNoHole() {
        EventCursor<Long> cursor = cursor(0);
        cursor.accept(List.of(1L, 3L), WRITER_RUNNING, 0);
        assertThat(cursor.accept(List.of(), EventCursor.Snapshot.partial(106), 1)).isEmpty();
        assertThat(cursor.gaps()).containsExactly(2L);
    }

    @Test
    void aHoleWhoseWriterStaysOpenIsGivenUpAfterTheTimeout() {
        EventCursor<Long> cursor = cursor(0);
        cursor.accept(List.of(1L, 3L), WRITER_RUNNING, 0);
        assertThat(cursor.accept(List.of(), WRITER_RUNNING, TIMEOUT)).isEmpty();
        assertThat(cursor.accept(List.of(), WRITER_RUNNING, TIMEOUT + 1)).containsExactly(3L);
        assertThat(cursor.gaps()).isEmpty();
        assertThat(cursor.accept(List.of(2L), WRITER_RUNNING, TIMEOUT + 2)).isEmpty();
    }

    @Test
    void holesAreBounded() {
        EventCursor<Long> cursor = cursor(0);
        cursor.accept(List.of(1_000_000L), WRITER_RUNNING, 0);
        assertThat(cursor.gaps()).hasSize(EventCursor.MAX_GAPS);
        assertThat(cursor.gaps()[0]).isEqualTo(1_000_000L - EventCursor.MAX_GAPS);
    }

    @Test
    void heldEventsAreBoundedTheOldestHolesGivenUp() {
        EventCursor<Long> cursor = cursor(0);
        List<Long> behindTwoHoles = new ArrayList<>(List.of(2L));
        LongStream.rangeClosed(4, EventCursor.MAX_HELD + 4).forEach(behindTwoHoles::add);
        List<Long> released = cursor.accept(behindTwoHoles, WRITER_RUNNING, 0);
        // Behind holes 1 and 3 wait more events than the bound: hole 1 is given up (2 goes), still too
        // many: hole 3 too.
        assertThat(released).hasSize(EventCursor.MAX_HELD + 2).startsWith(2L, 4L);
        assertThat(cursor.gaps()).isEmpty();
    }

    @Test
    void aResetStartsOver() {
        EventCursor<Long> cursor = cursor(0);
        cursor.accept(List.of(1L, 5L), WRITER_RUNNING, 0);
        cursor.reset(100);
        assertThat(cursor.gaps()).isEmpty();
        assertThat(cursor.holding()).isFalse();
        assertThat(cursor.accept(List.of(5L, 101L), WRITER_RUNNING, 1)).containsExactly(101L);
    }
}
