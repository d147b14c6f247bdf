package ai.reigh.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Request hashes: the same request however it is written, another request never. */
class CanonicalJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static String hash(String json) throws Exception {
        return CanonicalJson.sha256(JSON.readTree(json));
    }

    @Test
    void keyOrderWhitespaceAndNumberSpellingDoNotMatter() throws Exception {
        assertThat(hash("{\"a\": 1, \"b\": {\"y\": [1, 2.50], \"x\": null}}"))
                .isEqualTo(hash("{\"b\":{\"x\":null,\"y\":[1.0,2.5]},\"a\":1.000}"));
        assertThat(hash("{\"n\": 100}")).isEqualTo(hash("{\"n\": 1E+2}"));
    }

    @Test
    void anyDifferenceInContentChangesTheHash() throws Exception {
        assertThat(hash("{\"a\": 1}")).isNotEqualTo(hash("{\"a\": 2}"));
        assertThat(hash("{\"a\": [1, 2]}")).isNotEqualTo(hash("{\"a\": [2, 1]}"));
        assertThat(hash("{\"a\": \"1\"}")).isNotEqualTo(hash("{\"a\": 1}"));
        assertThat(hash("{\"a\": null}")).isNotEqualTo(hash("{}"));
    }
}
