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
