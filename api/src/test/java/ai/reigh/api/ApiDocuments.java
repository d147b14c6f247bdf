package ai.reigh.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The documents the tests read: the merged one (this module's build output), the snapshot, each service's. */
final class ApiDocuments {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SERVICES = List.of("projects", "tasks", "credits", "storage");

    private ApiDocuments() {
    }

    /** The document the gateway serves, as this build merged it. */
    static ObjectNode merged() {
        try (InputStream in = ApiDocuments.class.getResourceAsStream("/reigh-api/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("reigh-api/openapi.json is not on the classpath: the merge step did not run");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String mergedText() {
        try {
            return MergeOpenApiMain.toJson(merged());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path snapshotFile() {
        return Path.of(System.getProperty("reigh.api.snapshot", "openapi.snapshot.json"));
    }

    /** Each service's own document, as its build wrote it (internal routes included). */
    static Map<String, JsonNode> services() {
        Path root = Path.of(System.getProperty("reigh.services.root", ".."));
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        for (String service : SERVICES) {
            Path file = root.resolve(service + "-service/target/openapi/openapi.json");
            try {
                documents.put(service, JSON.readTree(Files.readString(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + " (package " + service + "-service first)", e);
            }
        }
        return documents;
    }
}
