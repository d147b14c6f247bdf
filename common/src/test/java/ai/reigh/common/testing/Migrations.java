package ai.reigh.common.testing;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the schema history as the migration role, the way a service does at start. */
public final class Migrations {
    private Migrations() {
    }

    public static MigrateResult apply(String jdbcUrl) {
        return Flyway.configure().dataSource(jdbcUrl, EmbeddedPostgres.OWNER, "")
                .locations("classpath:db/migration").load().migrate();
    }

    /**
     * Applies the history up to and including {@code version} (e.g. {@code "2.11"}): the schema as an
     * earlier release left it, so that a test can fill it with that release's rows and then migrate.
     */
    public static MigrateResult applyUpTo(String jdbcUrl, String version) {
        return Flyway.configure().dataSource(jdbcUrl, EmbeddedPostgres.OWNER, "")
                .locations("classpath:db/migration").target(MigrationVersion.fromVersion(version)).load().migrate();
    }

    /** Migrates the shared test database once per JVM (service tests get this from the service itself). */
    public static synchronized void ensureApplied() {
        apply(EmbeddedPostgres.shared().jdbcUrl());
    }
}
