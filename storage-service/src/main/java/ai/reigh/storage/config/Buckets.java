package ai.reigh.storage.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The buckets, read from configuration and checked once at start: a bad setting stops the service
 * rather than surfacing as a 500 on the first upload.
 */
@ApplicationScoped
public class Buckets {
    /** Logical names are the API's (stored in {@code storage_objects.bucket}, at most 63 characters). */
    private static final Pattern LOGICAL_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** S3 bucket naming rules (no '_', no upper case, 3 to 63 characters). */
    private static final Pattern PHYSICAL_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern KIND = Pattern.compile("[a-z0-9_-]{1,32}");
    /** The kind of task outputs' keys: {@code {owner}/tasks/{task_id}/{uuid}.{ext}}. */
    public static final String TASK_OUTPUT_KIND = "tasks";

    private final Map<String, Bucket> byName;
    private final Bucket taskOutputs;

    public Buckets(StorageConfig config) {
        Map<String, Bucket> buckets = new LinkedHashMap<>();
        Map<String, String> physicalNames = new TreeMap<>();
        new TreeMap<>(config.buckets()).forEach((name, settings) -> {
            Bucket bucket = validated(name, settings);
            String clash = physicalNames.put(bucket.physicalName(), name);
            if (clash != null) {
                throw new IllegalStateException("buckets " + clash + " and " + name + " share the S3 bucket "
                        + bucket.physicalName());
            }
            buckets.put(name, bucket);
        });
        if (buckets.isEmpty()) {
            throw new IllegalStateException("no bucket is configured (reigh.storage.buckets.*)");
        }
        this.byName = Map.copyOf(buckets);
        this.taskOutputs = byName.get(config.taskOutputBucket());
        if (taskOutputs == null) {
            throw new IllegalStateException("reigh.storage.task-output-bucket names no configured bucket: "
                    + config.taskOutputBucket());
        }
    }

    private static Bucket validated(String name, StorageConfig.Bucket settings) {
        if (!LOGICAL_NAME.matcher(name).matches()) {
            throw new IllegalStateException("invalid bucket name " + name);
        }
        if (!PHYSICAL_NAME.matcher(settings.physicalName()).matches() || settings.physicalName().contains("..")) {
            throw new IllegalStateException("bucket " + name + ": invalid S3 bucket name " + settings.physicalName());
        }
        if (settings.maxObjectBytes() < 1) {
            throw new IllegalStateException("bucket " + name + ": max-object-bytes must be positive");
        }
        if (!KIND.matcher(settings.keyKind()).matches() || TASK_OUTPUT_KIND.equals(settings.keyKind())) {
            throw new IllegalStateException("bucket " + name + ": invalid key-kind " + settings.keyKind());
        }
        List<String> types = new ArrayList<>();
        for (String declared : settings.allowedContentTypes()) {
            String type = ContentTypes.normalize(declared).filter(ContentTypes::isKnown).orElseThrow(
                    () -> new IllegalStateException("bucket " + name + ": unsupported content type " + declared));
            types.add(type);
        }
        if (types.isEmpty()) {
            throw new IllegalStateException("bucket " + name + ": allowed-content-types is empty");
        }
        return new Bucket(name, settings.physicalName(), settings.publicRead(), settings.maxObjectBytes(),
                List.copyOf(types), settings.keyKind());
    }

    public Optional<Bucket> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    public Collection<Bucket> all() {
        return new TreeMap<>(byName).values();
    }

    public Bucket taskOutputs() {
        return taskOutputs;
    }

    /** A configured bucket: its API name, the S3 bucket behind it and its limits. */
    public record Bucket(String name, String physicalName, boolean publicRead, long maxObjectBytes,
            List<String> allowedContentTypes, String keyKind) {

        public boolean accepts(String contentType) {
            return allowedContentTypes.contains(contentType);
        }
    }
}
