package ai.reigh.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL major version the platform runs on, pinned once in the repository's {@code PG_MAJOR}
 * file: the launcher ({@code ./reigh}) and the test clusters ({@link EmbeddedPostgres}) run it,
 * {@code ./reigh setup} installs it, and k8s-tests checks that production's CloudNativePG image is
 * the same major. Tests against another major could pass where production fails (or the reverse).
 */
public final class PostgresMajor {
    public static final String FILE = "PG_MAJOR";
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

    private PostgresMajor() {
    }

    /** The pinned major, from the repository's PG_MAJOR file. */
    public static int pinned() {
        Path file = Processes.repositoryRoot().resolve(FILE);
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** The first line that is neither blank nor a {@code #} comment: a whole number. */
    static int parse(String content) {
        for (String line : content.split("\n")) {
            String value = line.strip();
            if (value.isEmpty() || value.startsWith("#")) {
                continue;
            }
            if (!value.matches("\\d{1,3}")) {
                throw new IllegalStateException(FILE + " must name a PostgreSQL major version, not '" + value + "'");
            }
            return Integer.parseInt(value);
        }
        throw new IllegalStateException(FILE + " names no PostgreSQL major version");
    }

    /** The major of the installation whose {@code initdb} is in {@code bin} ({@code initdb --version}). */
    static int ofBinaries(Path bin) {
        String answer = Processes.run(List.of(bin.resolve("initdb").toString(), "--version"), null, 30);
        Matcher version = VERSION.matcher(answer);
        if (!version.find()) {
            throw new IllegalStateException(bin.resolve("initdb") + " --version said: " + answer.strip());
        }
        return Integer.parseInt(version.group(1));
    }
}
