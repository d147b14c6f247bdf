package ai.reigh.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the schema history as the migration role, the way a service does at start. */
public final class Migrations {
    private Migrations() {
    }

    /** Out of order, like the services (quarkus.flyway.migrations.out-of-order): see {@link #applyAllBut}. */
    public static MigrateResult apply(String jdbcUrl) {
        return Flyway.configure().dataSource(jdbcUrl, EmbeddedPostgres.OWNER, "")
                .locations("classpath:db/migration").outOfOrder(true).load().migrate();
    }

    /**
     * Applies the history up to and including {@code version} (e.g. {@code "2.11"}): the schema as an
     * earlier release left it, so that a test can fill it with that release's rows and then migrate.
     */
    public static MigrateResult applyUpTo(String jdbcUrl, String version) {
        return Flyway.configure().dataSource(jdbcUrl, EmbeddedPostgres.OWNER, "")
                .locations("classpath:db/migration").target(MigrationVersion.fromVersion(version)).load().migrate();
    }

    /**
     * Applies the whole history except {@code versions} (e.g. {@code "2.12", "2.13"}): the schema as the
     * released platform left it when those are this release's additions. Each owner numbers its own
     * migrations, so a release's new files sit below versions already applied (2.13 after 2.41): this is
     * the history an upgrade really meets, which {@link #applyUpTo} cannot build.
     */
    public static MigrateResult applyAllBut(String jdbcUrl, String... versions) {
        Set<String> left = Set.of(versions);
        Pattern version = Pattern.compile("V(\\d+)_(\\d+)__.*\\.sql");
        try {
            Path source = Path.of(Migrations.class.getClassLoader().getResource("db/migration").toURI());
            Path released = Files.createTempDirectory("reigh-released-migrations");
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Matcher name = version.matcher(file.getFileName().toString());
                    if (name.matches() && left.contains(name.group(1) + "." + name.group(2))) {
                        continue;
                    }
                    Path target = released.resolve(source.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target);
                }
            }
            return Flyway.configure().dataSource(jdbcUrl, EmbeddedPostgres.OWNER, "")
                    .locations("filesystem:" + released).load().migrate();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Migrates the shared test database once per JVM (service tests get this from the service itself). */
    public static synchronized void ensureApplied() {
        apply(EmbeddedPostgres.shared().jdbcUrl());
    }
}
