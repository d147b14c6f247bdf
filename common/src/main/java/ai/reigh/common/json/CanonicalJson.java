package ai.reigh.common.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hashes of request bodies that recognise "the same request" across replays: object keys sorted,
 * numbers compared by value ({@code 1.0} and {@code 1.00} are the same number), whitespace ignored.
 */
public final class CanonicalJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private CanonicalJson() {
    }

    public static String sha256(JsonNode document) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] bytes = canonical(document).toString().getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(digest.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static JsonNode canonical(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NODES.nullNode();
        }
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode sorted = NODES.objectNode();
            for (String name : names) {
                sorted.set(name, canonical(node.get(name)));
            }
            return sorted;
        }
        if (node.isArray()) {
            var array = NODES.arrayNode();
            for (Iterator<JsonNode> items = node.elements(); items.hasNext();) {
                array.add(canonical(items.next()));
            }
            return array;
        }
        if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            return NODES.numberNode(value.scale() < 0 ? value.setScale(0) : value);
        }
        return node;
    }
}
