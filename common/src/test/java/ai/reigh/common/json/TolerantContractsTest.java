package ai.reigh.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import ai.reigh.common.error.Problem;
import ai.reigh.common.internal.ChargeRequest;

/**
 * The shared reader is strict everywhere but where {@link ToleratesUnknownFields} says otherwise: a
 * public write body with an unknown field is refused (mass assignment), a marked type or a type of a
 * marked package ignores it.
 */
class TolerantContractsTest {
    private static final ObjectMapper JSON = StrictJsonCustomizer.apply(new ObjectMapper().findAndRegisterModules());

    /** A public write body: its package is not marked. */
    record PublicBody(String name) {
    }

    @ToleratesUnknownFields
    record MarkedBody(String name) {
    }

    @Test
    void publicBodiesStillRefuseUnknownFields() {
        assertThatThrownBy(() -> JSON.readValue("{\"name\": \"a\", \"total_credits\": 5}", PublicBody.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }

    @Test
    void markedTypesAndTypesOfMarkedPackagesIgnoreThem() throws Exception {
        assertThat(JSON.readValue("{\"name\": \"a\", \"total_credits\": 5}", MarkedBody.class)).isEqualTo(new MarkedBody("a"));
        assertThat(TolerantContracts.tolerates(ChargeRequest.class)).as("by its package").isTrue();
        assertThat(TolerantContracts.tolerates(Problem.class)).as("by itself").isTrue();
        assertThat(TolerantContracts.tolerates(PublicBody.class)).isFalse();
    }
}
