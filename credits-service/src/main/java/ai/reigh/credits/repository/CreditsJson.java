package ai.reigh.credits.repository;

import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * jsonb as text, both ways, without a double anywhere: rates, factors and prices inside metadata and
 * cost factors are money inputs. Decimals keep their scale ({@code 0.150} stays {@code 0.150}) and
 * are written plainly ({@code 24.000}, never {@code 2.4E+1}).
 */
public final class CreditsJson {
    private static final JsonNodeFactory EXACT = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setNodeFactory(EXACT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private CreditsJson() {
    }

    public static ObjectNode object() {
        return EXACT.objectNode();
    }

    /** A jsonb column read as {@code column::text}; null stays null. */
    public static JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the database returned invalid JSON", e);
        }
    }

    /** The text of a jsonb parameter (bound as {@code $n::text::jsonb}). */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node == null ? object() : node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON", e);
        }
    }

    /** Rates and factors without their storage padding: {@code 0.027800 -> 0.0278}, {@code 2.000000 -> 2}. */
    public static BigDecimal normalized(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
