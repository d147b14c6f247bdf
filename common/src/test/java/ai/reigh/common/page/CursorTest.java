package ai.reigh.common.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.ProblemException;

class CursorTest {

    @Test
    void aCursorRoundTrips() {
        Cursor cursor = new Cursor(Instant.parse("2026-11-24T23:00:00.123456Z"), UUID.randomUUID());
        assertThat(Cursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void forgedCursorsAreInvalidWhateverTheyHold() {
        for (String date : List.of("+300000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "-999999999-01-01T00:00:00Z", "2026-13-45T25:61:61Z", "infinity")) {
            String forged = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((date + "|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> Cursor.decode(forged)).as(date).isInstanceOf(ProblemException.class);
        }
    }
}
