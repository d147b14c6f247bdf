package ai.reigh.system.abuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.testing.Processes;
import ai.reigh.common.testing.SystemUnderTest;

/**
 * Every route of the platform, read from each service's own OpenAPI document, so that the abuse tests
 * are generated from what the services really serve: a route added tomorrow is enumerated tomorrow, and
 * a test fails until it has fixtures. The document is the one the service's build wrote beside the jar
 * the suite runs ({@code <service>/target/openapi/openapi.json}, common's
 * {@code quarkus.smallrye-openapi.store-schema-directory}): the same document {@code /q/openapi} serves,
 * read without depending on where (or whether) a service exposes its {@code /q} endpoints.
 */
public final class OpenApiRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<Route> all;

    private OpenApiRoutes() {
    }

    /** One operation: service, method, path template, the roles it admits, its parameters and body. */
    public record Route(String service, String method, String template, Set<String> roles, List<String> pathParams,
            List<String> queryParams, BodyKind body, Set<String> requestFields, Set<String> responseFields) {

        public boolean isInternal() {
            return template.startsWith("/internal/");
        }

        public boolean isPublic() {
            return roles.isEmpty();
        }

        public boolean writes() {
            return !method.equals("GET") && !method.equals("HEAD");
        }

        public String key() {
            return method + " " + template;
        }

        @Override
        public String toString() {
            return key() + " (" + service + ")";
        }
    }

    public enum BodyKind {
        NONE, JSON, RAW
    }

    public static synchronized List<Route> all() {
        if (all == null) {
            List<Route> routes = new ArrayList<>();
            for (String service : SystemUnderTest.SERVICES) {
                routes.addAll(parse(service, read(service)));
            }
            all = List.copyOf(routes);
        }
        return all;
    }

    private static JsonNode read(String service) {
        Path document = Processes.repositoryRoot().resolve(service + "-service/target/openapi/openapi.json");
        if (!Files.isRegularFile(document)) {
            throw new IllegalStateException("no OpenAPI document at " + document + ": package " + service
                    + "-service first (mvn -pl " + service + "-service install -DskipTests)");
        }
        try {
            return JSON.readTree(document.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the OpenAPI document " + document, e);
        }
    }

    static List<Route> parse(String service, JsonNode document) {
        JsonNode schemas = document.path("components").path("schemas");
        List<Route> routes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            JsonNode shared = path.getValue().path("parameters");
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                JsonNode operation = op.getValue();
                Set<String> roles = new TreeSet<>();
                operation.path("security").forEach(requirement -> requirement.fields()
                        .forEachRemaining(scheme -> scheme.getValue().forEach(role -> roles.add(role.asText()))));
                List<String> pathParams = new ArrayList<>();
                List<String> queryParams = new ArrayList<>();
                for (JsonNode parameters : List.of(shared, operation.path("parameters"))) {
                    for (JsonNode parameter : parameters) {
                        String name = parameter.path("name").asText();
                        switch (parameter.path("in").asText()) {
                            case "path" -> {
                                if (!pathParams.contains(name)) {
                                    pathParams.add(name);
                                }
                            }
                            case "query" -> queryParams.add(name);
                            default -> {
                            }
                        }
                    }
                }
                BodyKind body = BodyKind.NONE;
                Set<String> requestFields = Set.of();
                JsonNode content = operation.path("requestBody").path("content");
                if (content.has("application/json")) {
                    body = BodyKind.JSON;
                    requestFields = properties(schemas, content.path("application/json").path("schema"));
                } else if (content.size() > 0) {
                    body = BodyKind.RAW;
                }
                // The fields of the route's answers (its successes: every failure is the same problem).
                Set<String> responseFields = new TreeSet<>();
                operation.path("responses").fields().forEachRemaining(response -> {
                    if (response.getKey().startsWith("2")) {
                        response.getValue().path("content").forEach(
                                media -> responseFields.addAll(properties(schemas, media.path("schema"))));
                    }
                });
                routes.add(new Route(service, op.getKey().toUpperCase(), path.getKey(), Set.copyOf(roles),
                        List.copyOf(pathParams), List.copyOf(queryParams), body, requestFields, Set.copyOf(responseFields)));
            }
        }
        return routes;
    }

    /** The JSON names of a schema's properties (snake_case, as the services read and write them). */
    private static Set<String> properties(JsonNode schemas, JsonNode schema) {
        JsonNode resolved = schema;
        String ref = schema.path("$ref").asText("");
        if (!ref.isEmpty()) {
            resolved = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        Set<String> names = new LinkedHashSet<>();
        resolved.path("properties").fieldNames().forEachRemaining(name -> names.add(snakeCase(name)));
        // A page: the item type's properties are the response's fields too.
        JsonNode items = resolved.path("properties").path("items").path("items");
        if (!items.isMissingNode()) {
            names.addAll(properties(schemas, items));
        }
        return names;
    }

    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
