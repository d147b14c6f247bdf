package ai.reigh.common.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;
import ai.reigh.common.json.StrictJsonCustomizer;

/** {@code ?include_total=true}: asked for explicitly, strict to parse, absent from the body otherwise. */
class PageTotalsTest {
    private final ObjectMapper json = StrictJsonCustomizer.apply(new ObjectMapper());

    @Test
    void theTotalIsAskedForWithTrueOnly() {
        assertThat(PageRequest.fromQuery(null, null).includeTotal()).isFalse();
        assertThat(PageRequest.fromQuery(null, null, null).includeTotal()).isFalse();
        assertThat(PageRequest.fromQuery(null, null, "false").includeTotal()).isFalse();
        assertThat(PageRequest.fromQuery("5", null, "true").includeTotal()).isTrue();
        assertThat(PageRequest.fromQuery("5", null, "true").limit()).isEqualTo(5);
        for (String bad : List.of("", "1", "yes", "TRUE", "true ")) {
            assertThatThrownBy(() -> PageRequest.fromQuery(null, null, bad)).as(bad)
                    .isInstanceOfSatisfying(ProblemException.class, problem -> {
                        assertThat(problem.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                        assertThat(problem.errors()).extracting("field").containsExactly("include_total");
                    });
        }
    }

    @Test
    void aPageWithoutTotalHasNoTotalKeyAndAMappedPageKeepsItsTotal() throws Exception {
        Page<Integer> page = new Page<>(List.of(1, 2), "next");
        assertThat(json.readValue(json.writeValueAsString(page), Map.class)).containsOnlyKeys("items", "next_cursor");
        Page<String> counted = page.withTotal(42).map(String::valueOf);
        assertThat(counted.items()).containsExactly("1", "2");
        assertThat(counted.nextCursor()).isEqualTo("next");
        assertThat(json.readValue(json.writeValueAsString(counted), Map.class)).containsEntry("total", 42);
    }
}
