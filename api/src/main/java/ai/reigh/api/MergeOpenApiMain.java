package ai.reigh.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import ai.reigh.api.OpenApiMerger.ServiceDocument;

/**
 * The build step of this module (exec-maven-plugin, after compilation):
 * {@code MergeOpenApiMain --out <dir> projects=<path> tasks=<path> ...} writes {@code openapi.json} and
 * {@code openapi.yaml} of the public API into {@code <dir>}.
 */
public final class MergeOpenApiMain {
    static final String TITLE = "Reigh API";
    static final String DESCRIPTION = """
            The public API of the Reigh platform, as served by the gateway (one origin for the web app and \
            the GPU workers). Merged at build time from the four services' own documents; docs/api.md in the \
            repository describes the conventions.

            - **Auth**: `Authorization: Bearer <JWT>` (RS256; roles in `groups`: `user`, `worker`, `admin`), or a \
            personal access token `reigh_pat_…` (a worker bound to its owner's tasks). `GET /v1/events` also \
            takes `?access_token=` (browsers' EventSource cannot send headers).
            - **Errors**: every failure is `application/problem+json` with a stable `code` and the \
            `request_id` of the `X-Request-Id` header.
            - **Lists**: `?limit=1..200&cursor=` → `{items, next_cursor}` (null on the last page).
            - **Idempotency**: task and money creations take an `Idempotency-Key` header; a replay answers \
            the first result, another body with the same key is a 409 `idempotency_key_reused`.
            - **Realtime**: `GET /v1/events?project_id=` streams server-sent events; `Last-Event-ID` resumes.
            """;

    private MergeOpenApiMain() {
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        List<ServiceDocument> services = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
                continue;
            }
            String[] serviceAndPath = args[i].split("=", 2);
            if (serviceAndPath.length != 2) {
                throw new IllegalArgumentException("usage: --out <dir> <service>=<openapi.json> ...; got " + args[i]);
            }
            Path document = Path.of(serviceAndPath[1]);
            if (!Files.isRegularFile(document)) {
                throw new IllegalStateException(serviceAndPath[0] + "-service has not written its OpenAPI document ("
                        + document + "): package it first (mvn -pl " + serviceAndPath[0] + "-service -am package)");
            }
            services.add(new ServiceDocument(serviceAndPath[0], json.readTree(document.toFile())));
        }
        if (out == null || services.isEmpty()) {
            throw new IllegalArgumentException("usage: --out <dir> <service>=<openapi.json> ...");
        }
        ObjectNode merged = OpenApiMerger.merge(services, info(json, services));
        write(merged, out);
        System.out.println("[reigh-api] merged " + services.size() + " service documents into " + out.resolve("openapi.json")
                + " (" + merged.path("paths").size() + " paths)");
    }

    static ObjectNode info(ObjectMapper json, List<ServiceDocument> services) {
        ObjectNode info = json.createObjectNode();
        info.put("title", TITLE);
        // The services share one API version (common's quarkus.smallrye-openapi.info-version).
        info.put("version", services.get(0).document().path("info").path("version").asText("1.0.0"));
        info.put("description", DESCRIPTION);
        return info;
    }

    /** JSON (two-space indentation, LF, a final newline: stable diffs) and the same as YAML. */
    public static void write(JsonNode document, Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("openapi.json"), toJson(document), StandardCharsets.UTF_8);
        ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());
        Files.writeString(directory.resolve("openapi.yaml"), yaml.writeValueAsString(document), StandardCharsets.UTF_8);
    }

    public static String toJson(JsonNode document) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(
                Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        return new ObjectMapper().writer(printer).writeValueAsString(document) + "\n";
    }
}
