package ai.reigh.common.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    /** A jsonb column as a Jackson tree (null stays null). */
    public static JsonNode json(Row row, String column) {
        Object value = row.getValue(column);
        if (value == null) {
            return null;
        }
        try {
            // Re-read the text (not the decoded map) so that decimals come back as BigDecimal.
            if (value instanceof JsonObject object) {
                return JSON.readTree(object.encode());
            }
            if (value instanceof JsonArray array) {
                return JSON.readTree(array.encode());
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("column " + column + " holds invalid JSON", e);
        }
        return JSON.valueToTree(value);
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
