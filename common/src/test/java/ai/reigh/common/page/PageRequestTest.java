package ai.reigh.common.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.ErrorCode;
import ai.reigh.common.error.ProblemException;

class PageRequestTest {

    @Test
    void limitsFromTheQueryAreStrictIntegersInRange() {
        assertThat(PageRequest.fromQuery(null, null).limit()).isEqualTo(PageRequest.DEFAULT_LIMIT);
        assertThat(PageRequest.fromQuery("", null).limit()).isEqualTo(PageRequest.DEFAULT_LIMIT);
        assertThat(PageRequest.fromQuery("7", null).limit()).isEqualTo(7);
        assertThat(PageRequest.fromQuery("200", null).limit()).isEqualTo(200);
        for (String bad : List.of("abc", "0", "201", "-1", "+5", " 5", "1e2", "5.0", "99999999999", "NaN", "1;DROP")) {
            assertThatThrownBy(() -> PageRequest.fromQuery(bad, null)).as(bad)
                    .isInstanceOfSatisfying(ProblemException.class,
                            problem -> assertThat(problem.code()).isEqualTo(ErrorCode.VALIDATION_FAILED));
        }
    }
}
