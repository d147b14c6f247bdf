package ai.reigh.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.reigh.common.error.ProblemException;

class MinuteWindowTest {
    @Test
    void absentIsAnHourAndTheBoundsAreKept() {
        assertThat(MinuteWindow.fromQuery(null)).isEqualTo(60);
        assertThat(MinuteWindow.fromQuery("")).isEqualTo(60);
        assertThat(MinuteWindow.fromQuery("1")).isEqualTo(1);
        assertThat(MinuteWindow.fromQuery(" 1440 ")).isEqualTo(1440);
    }

    /** Each a 400 naming the parameter, never a 500 (the NUL byte trimmed to nothing once was one). */
    @ParameterizedTest
    @ValueSource(strings = { "0", "1441", "99999", "-5", "1e3", "5.0", "hour", "\u0000", " \u0000 ", "'; select 1; --", "٣" })
    void everythingElseIsRefused(String value) {
        assertThatThrownBy(() -> MinuteWindow.fromQuery(value)).isInstanceOfSatisfying(ProblemException.class, problem -> {
            assertThat(problem.status()).isEqualTo(400);
            assertThat(problem.errors()).singleElement().satisfies(error -> assertThat(error.field()).isEqualTo("minutes"));
        });
    }
}
