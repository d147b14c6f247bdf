package ai.reigh.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The numbers a scenario produced (faults injected, requests made, rows checked, times measured),
 * printed to stdout and appended to {@code target/fault-figures.txt} so that docs/reliability.md can
 * quote the last run.
 */
final class Figures {
    private static final Path FILE = Path.of("target", "fault-figures.txt");

    private final String scenario;
    private final Map<String, Object> values = new LinkedHashMap<>();

    Figures(String scenario) {
        this.scenario = scenario;
    }

    Figures put(String name, Object value) {
        values.put(name, value instanceof Double d ? String.format(java.util.Locale.ROOT, "%.1f", d) : value);
        return this;
    }

    Figures putAll(Map<String, ?> more) {
        more.forEach(this::put);
        return this;
    }

    void print() {
        String line = "FAULT FIGURES [" + scenario + "] " + values.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(", "));
        System.out.println(line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot record the figures", e);
        }
    }
}
