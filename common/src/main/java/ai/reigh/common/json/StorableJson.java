package ai.reigh.common.json;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Request values that PostgreSQL can store and the services can read back, refused at the edge
 * (400 naming the field) rather than failing later:
 * <ul>
 * <li>no NUL character (U+0000) in any string or object key: {@code text} and {@code jsonb} cannot
 * hold it, so the insert failed with a 500; and no unpaired surrogate ({@code "\ud800"}), which is not
 * a character at all and was silently stored as "?";</li>
 * <li>no number in a JSON document ({@code params}, {@code settings}, {@code metadata}…) whose plain
 * form is longer than {@link StrictJsonCustomizer#MAX_NUMBER_LENGTH} characters: {@code 1e309} is five
 * characters to the parser, but {@code jsonb} stores and prints it as 310 digits, which the services'
 * own reader then refuses, so such a row was written and could never be read again;</li>
 * <li>the same bound on every {@link BigDecimal} field of a request (amounts, durations, rates,
 * {@code max_task_wait_minutes}…): {@code 1e-10000000} is eleven characters that pass a range check
 * ({@code 0 <= d <= 2592000}), but rounding it builds a number of ten million digits, seconds of CPU
 * per request. Within the bound (a precision and a scale of at most 100) every operation the services
 * do on a decimal is cheap, so the bound is decided here, where the value is read, and no service can
 * forget it.</li>
 * </ul>
 */
public final class StorableJson {
    private static final String TOO_LONG = "has a number larger or more precise than "
            + StrictJsonCustomizer.MAX_NUMBER_LENGTH + " digits";

    private StorableJson() {
    }

    public static SimpleModule module() {
        SimpleModule module = new SimpleModule("reigh-storable-json");
        module.addDeserializer(String.class, new NulFreeStringDeserializer());
        module.addDeserializer(JsonNode.class, new StorableDocumentDeserializer());
        module.addDeserializer(BigDecimal.class, new BoundedDecimalDeserializer());
        return module;
    }

    /** Why {@code node} cannot be stored, or null when it can (also used by code that builds documents). */
    public static String problemOf(JsonNode node) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(node);
        while (!pending.isEmpty()) {
            JsonNode current = pending.pop();
            if (current.isTextual()) {
                String text = textProblem(current.textValue());
                if (text != null) {
                    return text;
                }
            } else if (current.isNumber()) {
                if (plainLength(current) > StrictJsonCustomizer.MAX_NUMBER_LENGTH) {
                    return TOO_LONG;
                }
            } else if (current.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> fields = current.fields(); fields.hasNext();) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    String key = textProblem(field.getKey());
                    if (key != null) {
                        return key;
                    }
                    pending.push(field.getValue());
                }
            } else if (current.isArray()) {
                current.forEach(pending::push);
            }
        }
        return null;
    }

    /** Why a string cannot be stored (a NUL character, an unpaired surrogate), or null. */
    public static String textProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "must not contain the NUL character";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode (an unpaired surrogate is not a character)";
            }
        }
        return null;
    }

    /** The length of the number as PostgreSQL prints a {@code numeric}: plain digits, never an exponent. */
    private static long plainLength(JsonNode number) {
        if (number.isBigDecimal() || number.isFloatingPointNumber()) {
            return plainLength(number.decimalValue());
        }
        return number.bigIntegerValue().toString().length();
    }

    /**
     * The length of {@code value} written without an exponent ({@link BigDecimal#toPlainString()}),
     * computed from its precision and scale without writing it (that is what must not happen).
     */
    public static long plainLength(BigDecimal value) {
        // precision - scale digits before the point (at least one; zero is "0" whatever its scale), scale after it.
        long integerDigits = value.signum() == 0 ? 1 : Math.max(1, (long) value.precision() - value.scale());
        long fractionDigits = Math.max(0, value.scale());
        return integerDigits + fractionDigits + (fractionDigits > 0 ? 1 : 0) + (value.signum() < 0 ? 1 : 0);
    }

    /** Strings as usual, but never with a NUL character. */
    static final class NulFreeStringDeserializer extends StdScalarDeserializer<String> {
        NulFreeStringDeserializer() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = StringDeserializer.instance.deserialize(parser, context);
            String problem = value == null ? null : textProblem(value);
            if (problem != null) {
                throw InvalidFormatException.from(parser, problem, value, String.class);
            }
            return value;
        }
    }

    /** Decimals as usual, but never one whose plain form is longer than the bound (see the class comment). */
    static final class BoundedDecimalDeserializer extends StdScalarDeserializer<BigDecimal> {
        BoundedDecimalDeserializer() {
            super(BigDecimal.class);
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Float;
        }

        @Override
        public BigDecimal deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            BigDecimal value = NumberDeserializers.BigDecimalDeserializer.instance.deserialize(parser, context);
            if (value != null && plainLength(value) > StrictJsonCustomizer.MAX_NUMBER_LENGTH) {
                throw InvalidFormatException.from(parser, TOO_LONG, value, BigDecimal.class);
            }
            return value;
        }
    }

    /** JSON documents as usual (null, absent and merge handling unchanged), checked by {@link #problemOf}. */
    static final class StorableDocumentDeserializer extends JsonNodeDeserializer {
        StorableDocumentDeserializer() {
            super();
        }

        private StorableDocumentDeserializer(StorableDocumentDeserializer base, boolean mergeArrays, boolean mergeObjects) {
            super(base, mergeArrays, mergeObjects);
        }

        @Override
        protected JsonDeserializer<?> _createWithMerge(boolean mergeArrays, boolean mergeObjects) {
            return new StorableDocumentDeserializer(this, mergeArrays, mergeObjects);
        }

        @Override
        public JsonNode deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = super.deserialize(parser, context);
            String problem = node == null ? null : problemOf(node);
            if (problem != null) {
                throw InvalidFormatException.from(parser, problem, null, JsonNode.class);
            }
            return node;
        }
    }
}
