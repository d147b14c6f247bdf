package ai.reigh.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Merges the services' OpenAPI documents into the one public document of the gateway.
 *
 * <ul>
 * <li>Only public paths are kept: {@code /internal/**} (calls between services) and {@code /q/**}
 * (Quarkus' own endpoints) are never routed by the gateway, so they are not part of the API.</li>
 * <li>Only the components those paths reach (through {@code $ref}, transitively) are kept, so the
 * internal routes' types do not leak into the public document.</li>
 * <li>A component that several services define identically (the problem schema, {@code UUID}, ...)
 * is written once. One that two services define differently under the same name gets the service's
 * name in front ({@code ProjectsObjectView}) in every service that defines it, with every reference
 * rewritten, and so does, in turn, any same-named component whose difference is only that rename.</li>
 * <li>Every operation says which service answers it ({@code x-reigh-service}); two services
 * documenting the same method and path is an error, as is a reference to a missing component.</li>
 * </ul>
 *
 * The output is deterministic (paths and component names sorted), so that the committed snapshot and
 * the generated TypeScript types change only when the API does.
 */
public final class OpenApiMerger {
    /** The extension naming the service that answers an operation (the gateway routes by path prefix). */
    public static final String SERVICE_EXTENSION = "x-reigh-service";
    static final List<String> HTTP_METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String COMPONENTS_REF = "#/components/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One service's own document, as its build wrote it. */
    public record ServiceDocument(String service, JsonNode document) {
        public ServiceDocument {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(document, "document");
        }
    }

    /** A component by kind ({@code schemas}, {@code responses}, ...) and name. */
    record ComponentKey(String kind, String name) {
        static ComponentKey ofRef(String ref) {
            if (!ref.startsWith(COMPONENTS_REF)) {
                return null;
            }
            String[] parts = ref.substring(COMPONENTS_REF.length()).split("/", 2);
            return parts.length == 2 ? new ComponentKey(parts[0], parts[1]) : null;
        }

        String ref() {
            return COMPONENTS_REF + kind + "/" + name;
        }
    }

    private OpenApiMerger() {
    }

    /** True for the paths that are not part of the public API (never routed by the gateway). */
    public static boolean isPrivatePath(String path) {
        return path.equals("/internal") || path.startsWith("/internal/") || path.equals("/q") || path.startsWith("/q/");
    }

    /** The merged document: {@code info} as given, the services' public paths and what they reference. */
    public static ObjectNode merge(List<ServiceDocument> services, ObjectNode info) {
        if (services.isEmpty()) {
            throw new IllegalArgumentException("no service documents to merge");
        }
        String version = openApiVersion(services);
        Map<String, ObjectNode> publicPaths = new LinkedHashMap<>();
        Map<String, Map<ComponentKey, JsonNode>> reached = new LinkedHashMap<>();
        for (ServiceDocument service : services) {
            ObjectNode paths = NODES.objectNode();
            service.document().path("paths").fields().forEachRemaining(path -> {
                if (!isPrivatePath(path.getKey())) {
                    paths.set(path.getKey(), path.getValue().deepCopy());
                }
            });
            publicPaths.put(service.service(), paths);
            reached.put(service.service(), reachableComponents(service, paths));
        }
        Set<ComponentKey> renamed = conflictingComponents(reached);

        ObjectNode merged = NODES.objectNode();
        merged.put("openapi", version);
        merged.set("info", info.deepCopy());
        Set<String> usedTags = new LinkedHashSet<>();
        ObjectNode paths = mergePaths(publicPaths, renamed, usedTags);
        merged.set("tags", tags(services, usedTags));
        merged.set("paths", paths);
        merged.set("components", components(services, reached, renamed));
        return merged;
    }

    private static String openApiVersion(List<ServiceDocument> services) {
        Set<String> versions = new LinkedHashSet<>();
        services.forEach(service -> versions.add(service.document().path("openapi").asText()));
        if (versions.size() != 1 || versions.contains("")) {
            throw new IllegalStateException("the services' documents disagree on the OpenAPI version: " + versions);
        }
        return versions.iterator().next();
    }

    /** The components a service's public paths reference, directly or through other components. */
    private static Map<ComponentKey, JsonNode> reachableComponents(ServiceDocument service, JsonNode publicPaths) {
        JsonNode components = service.document().path("components");
        Map<ComponentKey, JsonNode> reached = new TreeMap<>(
                (a, b) -> a.kind().equals(b.kind()) ? a.name().compareTo(b.name()) : a.kind().compareTo(b.kind()));
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(publicPaths));
        while (!pending.isEmpty()) {
            for (String ref : refsIn(pending.pop())) {
                ComponentKey key = ComponentKey.ofRef(ref);
                if (key == null) {
                    throw new IllegalStateException(service.service() + ": unsupported reference " + ref
                            + " (only references to #/components/... are merged)");
                }
                if (reached.containsKey(key)) {
                    continue;
                }
                JsonNode component = components.path(key.kind()).get(key.name());
                if (component == null) {
                    throw new IllegalStateException(service.service() + ": " + ref + " is referenced but not defined");
                }
                reached.put(key, component);
                pending.push(component);
            }
        }
        return reached;
    }

    private static Set<String> refsIn(JsonNode node) {
        Set<String> refs = new LinkedHashSet<>();
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(node));
        while (!pending.isEmpty()) {
            JsonNode current = pending.pop();
            if (current.isObject()) {
                JsonNode ref = current.get("$ref");
                if (ref != null && ref.isTextual()) {
                    refs.add(ref.asText());
                }
            }
            current.elements().forEachRemaining(pending::push);
        }
        return refs;
    }

    /**
     * The components that must carry their service's name: defined by more than one service, not
     * identically once the components they reference are renamed. Repeated until nothing changes,
     * because renaming one component changes the references in the others.
     */
    private static Set<ComponentKey> conflictingComponents(Map<String, Map<ComponentKey, JsonNode>> reached) {
        Map<ComponentKey, List<String>> definedBy = new TreeMap<>(
                (a, b) -> a.kind().equals(b.kind()) ? a.name().compareTo(b.name()) : a.kind().compareTo(b.kind()));
        reached.forEach((service, components) -> components.keySet()
                .forEach(key -> definedBy.computeIfAbsent(key, k -> new ArrayList<>()).add(service)));
        Set<ComponentKey> renamed = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<ComponentKey, List<String>> entry : definedBy.entrySet()) {
                ComponentKey key = entry.getKey();
                if (entry.getValue().size() < 2 || renamed.contains(key)) {
                    continue;
                }
                Set<JsonNode> variants = new HashSet<>();
                for (String service : entry.getValue()) {
                    variants.add(rewriteRefs(reached.get(service).get(key), service, renamed));
                }
                if (variants.size() > 1) {
                    renamed.add(key);
                    changed = true;
                }
            }
        }
        return renamed;
    }

    static String qualifiedName(String service, String name) {
        return service.substring(0, 1).toUpperCase(Locale.ROOT) + service.substring(1) + name;
    }

    private static JsonNode rewriteRefs(JsonNode node, String service, Set<ComponentKey> renamed) {
        JsonNode copy = node.deepCopy();
        if (renamed.isEmpty()) {
            return copy;
        }
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(copy));
        while (!pending.isEmpty()) {
            JsonNode current = pending.pop();
            if (current instanceof ObjectNode object && object.get("$ref") != null && object.get("$ref").isTextual()) {
                ComponentKey key = ComponentKey.ofRef(object.get("$ref").asText());
                if (key != null && renamed.contains(key)) {
                    object.put("$ref", new ComponentKey(key.kind(), qualifiedName(service, key.name())).ref());
                }
            }
            current.elements().forEachRemaining(pending::push);
        }
        return copy;
    }

    private static ObjectNode mergePaths(Map<String, ObjectNode> publicPaths, Set<ComponentKey> renamed,
            Set<String> usedTags) {
        Map<String, ObjectNode> merged = new TreeMap<>();
        Map<String, String> answeredBy = new LinkedHashMap<>();
        publicPaths.forEach((service, paths) -> paths.fields().forEachRemaining(path -> {
            ObjectNode item = (ObjectNode) rewriteRefs(path.getValue(), service, renamed);
            ObjectNode target = merged.computeIfAbsent(path.getKey(), p -> NODES.objectNode());
            for (Iterator<Map.Entry<String, JsonNode>> fields = item.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                if (HTTP_METHODS.contains(name)) {
                    String operation = name.toUpperCase(Locale.ROOT) + " " + path.getKey();
                    String other = answeredBy.putIfAbsent(operation, service);
                    if (other != null) {
                        throw new IllegalStateException(operation + " is documented by both " + other + " and " + service);
                    }
                    ObjectNode op = (ObjectNode) field.getValue();
                    op.put(SERVICE_EXTENSION, service);
                    op.path("tags").forEach(tag -> usedTags.add(tag.asText()));
                    target.set(name, op);
                } else if (target.has(name) && !target.get(name).equals(field.getValue())) {
                    throw new IllegalStateException(path.getKey() + ": the services disagree on its '" + name + "'");
                } else {
                    target.set(name, field.getValue());
                }
            }
        }));
        ObjectNode paths = NODES.objectNode();
        merged.forEach(paths::set);
        return paths;
    }

    /** The declared tags that public operations use, by name (the first description wins). */
    private static ArrayNode tags(List<ServiceDocument> services, Set<String> usedTags) {
        Map<String, JsonNode> declared = new TreeMap<>();
        for (ServiceDocument service : services) {
            for (JsonNode tag : service.document().path("tags")) {
                String name = tag.path("name").asText();
                if (usedTags.contains(name)) {
                    declared.merge(name, tag, (first, later) -> first.has("description") ? first : later);
                }
            }
        }
        ArrayNode tags = NODES.arrayNode();
        declared.values().forEach(tag -> tags.add(tag.deepCopy()));
        return tags;
    }

    private static ObjectNode components(List<ServiceDocument> services, Map<String, Map<ComponentKey, JsonNode>> reached,
            Set<ComponentKey> renamed) {
        Map<String, Map<String, JsonNode>> byKind = new TreeMap<>();
        Map<String, String> definedBy = new LinkedHashMap<>();
        reached.forEach((service, components) -> components.forEach((key, component) -> {
            String name = renamed.contains(key) ? qualifiedName(service, key.name()) : key.name();
            JsonNode rewritten = rewriteRefs(component, service, renamed);
            Map<String, JsonNode> kind = byKind.computeIfAbsent(key.kind(), k -> new TreeMap<>());
            JsonNode existing = kind.putIfAbsent(name, rewritten);
            if (existing != null && !existing.equals(rewritten)) {
                // A qualified name that another service already uses as its own plain name.
                throw new IllegalStateException("component " + key.kind() + "/" + name + " of " + service
                        + " clashes with the one of " + definedBy.get(key.kind() + "/" + name));
            }
            definedBy.putIfAbsent(key.kind() + "/" + name, service);
        }));
        // Security schemes are not referenced with $ref but named in security requirements: all are kept.
        Map<String, JsonNode> schemes = new TreeMap<>();
        for (ServiceDocument service : services) {
            service.document().path("components").path("securitySchemes").fields().forEachRemaining(scheme -> {
                JsonNode existing = schemes.putIfAbsent(scheme.getKey(), scheme.getValue());
                if (existing != null && !existing.equals(scheme.getValue())) {
                    throw new IllegalStateException("security scheme " + scheme.getKey() + " differs between services");
                }
            });
        }
        if (!schemes.isEmpty()) {
            byKind.computeIfAbsent("securitySchemes", k -> new TreeMap<>()).putAll(schemes);
        }
        ObjectNode components = NODES.objectNode();
        byKind.forEach((kind, entries) -> {
            ObjectNode section = components.putObject(kind);
            entries.forEach(section::set);
        });
        return components;
    }
}
