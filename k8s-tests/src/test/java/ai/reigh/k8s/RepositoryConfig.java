package ai.reigh.k8s;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

import ai.reigh.common.testing.Processes;

/**
 * The applications' own configuration as committed (common's shared file, then the module's
 * application.properties, which wins), so the manifests are checked against what the services really
 * read rather than against a copy of it.
 */
final class RepositoryConfig {
    private RepositoryConfig() {
    }

    static Path module(String name) {
        return Processes.repositoryRoot().resolve(name);
    }

    /** A property as the module sees it without environment overrides; empty when neither file sets it. */
    static Optional<String> property(String module, String key) {
        Properties module_ = load(module(module).resolve("src/main/resources/application.properties"));
        if (module_.containsKey(key)) {
            return Optional.of(module_.getProperty(key));
        }
        if (!module.equals("gateway")) {
            Properties common = load(module("common").resolve("src/main/resources/META-INF/microprofile-config.properties"));
            return Optional.ofNullable(common.getProperty(key));
        }
        return Optional.empty();
    }

    static String required(String module, String key) {
        return property(module, key).orElseThrow(() -> new AssertionError(module + " does not set " + key));
    }

    static Properties applicationProperties(String module) {
        return load(module(module).resolve("src/main/resources/application.properties"));
    }

    /** quarkus.shutdown.timeout in seconds (35S → 35). */
    static long shutdownTimeoutSeconds(String module) {
        return parseDuration(required(module, "quarkus.shutdown.timeout")).toSeconds();
    }

    /** Quarkus' short duration form (35S, 5M, 500MS) or ISO-8601 (PT35S). */
    static Duration parseDuration(String value) {
        String upper = value.trim().toUpperCase(Locale.ROOT);
        if (upper.startsWith("P")) {
            return Duration.parse(upper);
        }
        if (upper.matches("\\d+MS")) {
            return Duration.ofMillis(Long.parseLong(upper.substring(0, upper.length() - 2)));
        }
        if (upper.matches("\\d+[SMHD]")) {
            String unit = upper.substring(upper.length() - 1);
            return Duration.parse(unit.equals("D") ? "P" + upper : "PT" + upper);
        }
        if (upper.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(upper));
        }
        throw new IllegalArgumentException("not a duration: " + value);
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }
        return properties;
    }
}
