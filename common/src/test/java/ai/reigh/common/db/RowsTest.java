package ai.reigh.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A jsonb column's tree is built from the driver's decoded value, and must be exactly the tree that
 * writing that value out and reading it back (with decimals as BigDecimal) gives, as the platform did
 * before: same members, same order, same number types and spellings.
 */
class RowsTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** What the PostgreSQL driver hands over for a jsonb value's text. */
    private static Object decodedAsTheDriverDoes(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            return new JsonObject(text);
        }
        if (trimmed.startsWith("[")) {
            return new JsonArray(text);
        }
        return Json.decodeValue(text);
    }

    private static JsonNode readBack(Object decoded) throws Exception {
        String written = decoded instanceof JsonObject object ? object.encode()
                : decoded instanceof JsonArray array ? array.encode() : Json.encode(decoded);
        return JSON.readTree(written);
    }

    @Test
    void theTreeIsWhatReadingTheValueBackGave() throws Exception {
        List<String> documents = List.of(
                "{}", "[]", "{\"prompt\": \"a harbour at dawn\", \"seed\": 42}",
                "{\"factor\": 0.1, \"rate\": 1.50, \"big\": 12345678901234567890, \"long\": 9007199254740993,"
                        + " \"neg\": -0.0, \"exp\": 1e2, \"small\": 1.5E-7, \"precise\": 0.12345678901234567890123}",
                "{\"nested\": {\"list\": [1, 2.25, \"three\", null, true, false, {\"deep\": [[]]}]}, \"z\": null, \"a\": 1}",
                "[1, -2, 3.0, \"x\", {\"k\": \"v\"}, [null]]",
                "{\"unicode\": \"gull \\u00e9 \\ud83d\\udc26 \\\"quoted\\\" \\\\ \\n\", \"\": \"empty key\"}",
                "\"just a string\"", "17", "2.5", "true", "null");
        for (String document : documents) {
            Object decoded = decodedAsTheDriverDoes(document);
            JsonNode built = Rows.tree(decoded);
            JsonNode expected = readBack(decoded);
            assertThat(JSON.writeValueAsString(built)).as(document).isEqualTo(JSON.writeValueAsString(expected));
            assertThat(built).as(document).isEqualTo(expected);
        }
    }

    @Test
    void decimalsStayBigDecimals() {
        JsonNode tree = Rows.tree(decodedAsTheDriverDoes("{\"factor\": 0.1, \"list\": [2.75]}"));
        assertThat(tree.get("factor").isBigDecimal()).isTrue();
        assertThat(tree.get("factor").decimalValue()).isEqualByComparingTo("0.1");
        assertThat(tree.get("list").get(0).isBigDecimal()).isTrue();
    }
}
