package ai.reigh.common.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A page built from up to limit + 1 keyset-ordered rows: the extra row only says that there is more. */
class PageRowsTest {

    @Test
    void theExtraRowBecomesTheCursorOfTheLastItemAndIsNotReturned() {
        Page<Integer> page = Page.ofRows(List.of(1, 2, 3, 4), 3, last -> "after-" + last);
        assertThat(page.items()).containsExactly(1, 2, 3);
        assertThat(page.nextCursor()).isEqualTo("after-3");
    }

    @Test
    void withoutAnExtraRowItIsTheLastPage() {
        assertThat(Page.ofRows(List.of(1, 2, 3), 3, last -> "after-" + last).nextCursor()).isNull();
        assertThat(Page.ofRows(List.<Integer>of(), 3, last -> "after-" + last).items()).isEmpty();
    }
}
