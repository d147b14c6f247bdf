package ai.reigh.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.reigh.common.testing.Processes;

/**
 * The metric names the platform exports, read from its source: every Micrometer meter a service or
 * the gateway registers ({@code Counter.builder("reigh.tasks.claimed")} and so on), in Prometheus'
 * spelling (dots become underscores; a counter gains {@code _total}; a timer its {@code _seconds_count},
 * {@code _sum} and {@code _max}), plus the meters Quarkus registers itself. So an alert or a panel on a
 * metric that no code registers fails the build instead of staying silent in production.
 */
final class PlatformMetrics {
    private static final List<String> MODULES = List.of("gateway", "projects-service", "tasks-service",
            "credits-service", "storage-service");
    private static final Pattern METER = Pattern.compile("(Counter|Gauge|Timer)\\.builder\\(\\s*\"([a-z0-9_.]+)\"");
    /**
     * Registered by Quarkus' Micrometer extension, not by our code: HTTP server requests (a timer: its
     * count and sum; no histogram buckets are configured), the JVM's memory and the process' CPU.
     */
    static final Set<String> FROM_QUARKUS = Set.of("http_server_requests_seconds_count", "http_server_requests_seconds_sum",
            "http_server_requests_seconds_max", "jvm_memory_used_bytes", "jvm_memory_max_bytes", "process_cpu_usage",
            "jvm_gc_pause_seconds_count", "jvm_gc_pause_seconds_sum");

    private PlatformMetrics() {
    }

    static Set<String> exported() {
        Set<String> names = new TreeSet<>(FROM_QUARKUS);
        for (String module : MODULES) {
            try (Stream<Path> files = Files.walk(Processes.repositoryRoot().resolve(module).resolve("src/main/java"))) {
                files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                    Matcher meter = METER.matcher(read(file));
                    while (meter.find()) {
                        String base = meter.group(2).replace('.', '_');
                        switch (meter.group(1)) {
                            case "Counter" -> names.add(base + "_total");
                            case "Timer" -> names.addAll(List.of(base + "_seconds_count", base + "_seconds_sum",
                                    base + "_seconds_max"));
                            default -> names.add(base);
                        }
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
