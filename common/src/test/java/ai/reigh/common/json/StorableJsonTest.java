package ai.reigh.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * The shared reader refuses what PostgreSQL could not store or give back: NUL characters anywhere, and
 * numbers whose plain form (the way jsonb prints them) is longer than the reader itself accepts.
 */
class StorableJsonTest {
    private static final ObjectMapper JSON = StrictJsonCustomizer.apply(new ObjectMapper());

    record Body(String name, JsonNode params, List<String> tags) {
    }

    record Amounts(BigDecimal amount, List<BigDecimal> more) {
    }

    @Test
    void decimalFieldsBeyondThePlainBoundAreRefusedWithTheFieldNamed() {
        // 1e-10000000 is eleven characters that pass a range check; rounding it builds ten million digits.
        for (String number : List.of("1e-10000000", "1e10000000", "-1e10000000", "-1e-10000000", "1e-101", "1e101",
                "1E+100", "1e-99", "0.5e-98", "9.99e100", "1" + "0".repeat(99) + "e1", "0." + "0".repeat(97) + "1e-1",
                "0." + "1".repeat(99), "9".repeat(101), "-" + "9".repeat(100), "1".repeat(1000))) {
            assertThatThrownBy(() -> JSON.readValue("{\"amount\": " + number + "}", Amounts.class)).as(number)
                    .isInstanceOf(JsonMappingException.class)
                    .satisfies(e -> assertThat(((JsonMappingException) e).getPath().get(0).getFieldName())
                            .isEqualTo("amount"))
                    .hasMessageContaining("larger or more precise than 100 digits");
            assertThatThrownBy(() -> JSON.readValue("{\"more\": [1, " + number + "]}", Amounts.class)).as(number)
                    .isInstanceOf(JsonMappingException.class)
                    .satisfies(e -> assertThat(((JsonMappingException) e).getPath().get(0).getFieldName())
                            .isEqualTo("more"));
        }
    }

    @Test
    void aNumberLiteralLongerThanTheParserReadsIsAnUnreadableBody() {
        assertThatThrownBy(() -> JSON.readValue("{\"amount\": " + "1".repeat(1001) + "}", Amounts.class))
                .isInstanceOf(com.fasterxml.jackson.core.exc.StreamConstraintsException.class);
    }

    @Test
    void decimalFieldsWithinTheBoundAreReadExactly() throws Exception {
        String hundredDigits = "9".repeat(100);
        String hundredCharacterFraction = "0." + "1".repeat(98);
        for (String number : List.of(hundredDigits, hundredCharacterFraction, "1e99", "1e-98", "-1e98", "12.250",
                "0", "-0", "-0.0", "0e-98", "0e99")) {
            BigDecimal read = JSON.readValue("{\"amount\": " + number + "}", Amounts.class).amount();
            assertThat(read).as(number).isEqualByComparingTo(new BigDecimal(number));
            assertThat(StorableJson.plainLength(read)).as(number).isEqualTo(read.toPlainString().length());
        }
        // Negative zero is zero: BigDecimal has no sign for it, so no "-0" is ever stored or priced.
        assertThat(JSON.readValue("{\"amount\": -0.0}", Amounts.class).amount().signum()).isZero();
        assertThat(JSON.readValue("{\"amount\": null}", Amounts.class).amount()).isNull();
        assertThatThrownBy(() -> JSON.readValue("{\"amount\": \"12.5\"}", Amounts.class))
                .isInstanceOf(JsonMappingException.class);
    }

    @Test
    void hugeOrTinyNumbersInDocumentsAreRefusedWithTheFieldNamed() {
        for (String number : List.of("1e309", "-1e309", "1e-400", "1E+100", "1.5e120")) {
            assertThatThrownBy(() -> JSON.readValue("{\"params\": {\"x\": [" + number + "]}}", Body.class))
                    .as(number).isInstanceOf(JsonMappingException.class)
                    .satisfies(e -> assertThat(((JsonMappingException) e).getPath().get(0).getFieldName())
                            .isEqualTo("params"));
        }
    }

    @Test
    void everyNumberAcceptedCanBeReadBackFromItsPlainForm() throws Exception {
        String hundredDigits = "9".repeat(100);
        for (String number : List.of("123456789012345678901234567890", "1e98", "1e-97", "-1e97", "0.5", "12.250",
                hundredDigits, "-" + "9".repeat(99))) {
            JsonNode params = JSON.readValue("{\"params\": {\"x\": " + number + "}}", Body.class).params();
            String asPostgresPrintsIt = new BigDecimal(number).toPlainString();
            JsonNode again = JSON.readTree("{\"x\": " + asPostgresPrintsIt + "}");
            assertThat(again.get("x").decimalValue()).as(number).isEqualByComparingTo(params.get("x").decimalValue());
        }
    }

    @Test
    void nulCharactersAreRefusedInStringsKeysAndDocuments() {
        assertThatThrownBy(() -> JSON.readValue("{\"name\": \"a\\u0000b\"}", Body.class))
                .isInstanceOf(JsonMappingException.class);
        assertThatThrownBy(() -> JSON.readValue("{\"tags\": [\"ok\", \"\\u0000\"]}", Body.class))
                .isInstanceOf(JsonMappingException.class);
        assertThatThrownBy(() -> JSON.readValue("{\"params\": {\"k\\u0000\": 1}}", Body.class))
                .isInstanceOf(JsonMappingException.class);
        assertThatThrownBy(() -> JSON.readValue("{\"params\": {\"a\": [{\"b\": \"\\u0000\"}]}}", Body.class))
                .isInstanceOf(JsonMappingException.class);
    }

    @Test
    void unpairedSurrogatesAreRefusedButRealPairsPass() throws Exception {
        for (String json : List.of("{\"name\": \"\\ud800\"}", "{\"name\": \"a\\udc00b\"}", "{\"tags\": [\"\\ud83d\"]}",
                "{\"params\": {\"\\udfff\": 1}}", "{\"params\": {\"k\": \"x\\ud800\"}}")) {
            assertThatThrownBy(() -> JSON.readValue(json, Body.class)).as(json).isInstanceOf(JsonMappingException.class);
        }
        assertThat(JSON.readValue("{\"name\": \"\\ud83d\\ude00\"}", Body.class).name()).isEqualTo("\ud83d\ude00");
    }

    @Test
    void ordinaryValuesNullsAndAbsentFieldsAreUnchanged() throws Exception {
        Body body = JSON.readValue("{\"name\": \"caf\\u00e9 \\u2603\", \"tags\": [\"a\"]}", Body.class);
        assertThat(body.name()).isEqualTo("café ☃");
        assertThat(body.params()).as("absent").isNull();
        assertThat(JSON.readValue("{\"params\": null}", Body.class).params()).isEqualTo(NullNode.instance);
        assertThat(JSON.readValue("{\"params\": {\"a\": [1, 2.5, true, null, \"x\"]}}", Body.class).params()
                .toString()).isEqualTo("{\"a\":[1,2.5,true,null,\"x\"]}");
    }
}
