package ai.reigh.common.db;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/** Small conversions between PostgreSQL rows and the Java types of DTOs. */
public final class Rows {
    /** Decimals stay BigDecimal: factors and rates inside jsonb are money inputs. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Rows() {
    }

    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /**
     * A jsonb column as a Jackson tree (null stays null), built from the values the driver decoded, with
     * every decimal a BigDecimal (factors and rates inside jsonb are money inputs). The tree is exactly
     * what reading the column's text back would give ({@code RowsTest}), without writing the decoded
     * value out and parsing it again: that round trip was a fifth of a generations page's CPU.
     */
    public static JsonNode json(Row row, String column) {
        Object value = row.getValue(column);
        return value == null ? null : tree(value);
    }

    static JsonNode tree(Object decoded) {
        JsonNodeFactory nodes = JSON.getNodeFactory();
        if (decoded == null) {
            return nodes.nullNode();
        }
        if (decoded instanceof JsonObject object) {
            return objectTree(object.getMap());
        }
        if (decoded instanceof Map<?, ?> map) {
            return objectTree(map);
        }
        if (decoded instanceof JsonArray array) {
            return arrayTree(array.getList());
        }
        if (decoded instanceof List<?> list) {
            return arrayTree(list);
        }
        if (decoded instanceof String text) {
            return nodes.textNode(text);
        }
        if (decoded instanceof Boolean flag) {
            return nodes.booleanNode(flag);
        }
        if (decoded instanceof Integer number) {
            return nodes.numberNode(number);
        }
        if (decoded instanceof Long number) {
            return nodes.numberNode(number);
        }
        if (decoded instanceof BigInteger number) {
            return nodes.numberNode(number);
        }
        if (decoded instanceof BigDecimal number) {
            return decimal(number);
        }
        if (decoded instanceof Double || decoded instanceof Float) {
            // Double.toString is the text the value would be written as, so this is the BigDecimal a
            // parse of that text gives.
            return decimal(new BigDecimal(decoded.toString()));
        }
        return JSON.valueToTree(decoded);
    }

    /** As Jackson reads a decimal into a tree: trailing zeros stripped (1.50 is 1.5, 100.0 is 1E+2, -0.0 is 0). */
    private static JsonNode decimal(BigDecimal value) {
        return JSON.getNodeFactory().numberNode(value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros());
    }

    private static ObjectNode objectTree(Map<?, ?> members) {
        ObjectNode node = JSON.getNodeFactory().objectNode();
        for (Map.Entry<?, ?> member : members.entrySet()) {
            node.set(String.valueOf(member.getKey()), tree(member.getValue()));
        }
        return node;
    }

    private static ArrayNode arrayTree(List<?> elements) {
        ArrayNode node = JSON.getNodeFactory().arrayNode(elements.size());
        for (Object element : elements) {
            node.add(tree(element));
        }
        return node;
    }

    /** A Jackson tree as a jsonb parameter. */
    public static Object jsonb(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            return new JsonObject(JSON.convertValue(node, java.util.Map.class));
        }
        if (node.isArray()) {
            return new JsonArray(JSON.convertValue(node, java.util.List.class));
        }
        return JSON.convertValue(node, Object.class);
    }

    public static <T> List<T> map(RowSet<Row> rows, Function<Row, T> mapper) {
        List<T> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            out.add(mapper.apply(row));
        }
        return out;
    }

    public static <T> T first(RowSet<Row> rows, Function<Row, T> mapper) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? mapper.apply(iterator.next()) : null;
    }
}
