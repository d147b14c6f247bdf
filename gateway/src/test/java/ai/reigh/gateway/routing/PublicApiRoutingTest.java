package ai.reigh.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every operation of the public API (the merged document, generated from the services' code) is routed
 * by the gateway to the service that documents it: a route added to a service under a prefix the
 * gateway does not know fails here, not in production.
 */
class PublicApiRoutingTest {

    @Test
    void everyDocumentedOperationIsRoutedToTheServiceThatAnswersIt() throws IOException {
        JsonNode document;
        try (InputStream in = PublicApiRoutingTest.class.getResourceAsStream("/reigh-api/openapi.json")) {
            assertThat(in).as("the merged document in the api module's jar").isNotNull();
            document = new ObjectMapper().readTree(in);
        }
        List<String> misrouted = new ArrayList<>();
        int operations = 0;
        for (var path = document.path("paths").fields(); path.hasNext();) {
            var item = path.next();
            // A concrete path for the template: each {parameter} becomes one segment.
            String concrete = item.getKey().replaceAll("\\{[^}]+}", "x");
            for (var op = item.getValue().fields(); op.hasNext();) {
                var operation = op.next();
                String service = operation.getValue().path("x-reigh-service").asText(null);
                if (service == null) {
                    continue;
                }
                operations++;
                Optional<Service> routed = RouteTable.route(concrete);
                if (routed.isEmpty() || !routed.get().name().toLowerCase(Locale.ROOT).equals(service)) {
                    misrouted.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + item.getKey() + ": answered by "
                            + service + ", routed to " + routed.map(Enum::name).orElse("nothing"));
                }
            }
        }
        assertThat(operations).isGreaterThan(40);
        assertThat(misrouted).isEmpty();
    }
}
