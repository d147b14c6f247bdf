package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import ai.reigh.storage.service.ByteRange;

class ByteRangeTest {

    @Test
    void singleRangesAreUnderstoodAndClampedToTheObject() {
        assertThat(ByteRange.parse("bytes=0-99", 1000)).contains(new ByteRange(0, 99));
        assertThat(ByteRange.parse("bytes=900-5000", 1000)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=990-", 1000)).contains(new ByteRange(990, 999));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).contains(new ByteRange(0, 999));
        assertThat(ByteRange.parse("BYTES=1-1", 1000)).contains(new ByteRange(1, 1));
        assertThat(new ByteRange(10, 19).contentRange(1000)).isEqualTo("bytes 10-19/1000");
    }

    @Test
    void whatIsNotUnderstoodMeansTheWholeObject() {
        assertThat(ByteRange.parse(null, 1000)).isEmpty();
        assertThat(ByteRange.parse("items=0-1", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=0-1,4-5", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=5-1", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=a-b", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=99999999999999999999-", 1000)).isEmpty();
    }

    @Test
    void aRangeStartingPastTheEndIsUnsatisfiable() {
        assertThatThrownBy(() -> ByteRange.parse("bytes=1000-", 1000)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=1000-2000", 1000)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 1000)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }
}
